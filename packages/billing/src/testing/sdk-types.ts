/**
 * For the type tests that hold our Stripe object types to the pinned SDK's: the keys of
 * `Ours` the SDK's type lacks, or whose type isn't one the SDK's accepts; `never` when all
 * match. `Skip` names keys whose types aren't compared (their names still are): lists and
 * nested objects held to the SDK through their own types, or built as subsets of the SDK's.
 */
export type SdkMismatches<Ours, Sdk, Skip extends keyof Ours = never> = {
  [K in keyof Ours]-?: K extends keyof Sdk
    ? K extends Skip
      ? never
      : Ours[K] extends Sdk[K]
        ? never
        : K
    : K;
}[keyof Ours];
