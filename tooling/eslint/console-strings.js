/**
 * Lint for the console: every string a person sees comes from a catalog. Flags letters in
 * JSX text, in string children (`{"Save"}`), and in the string props that show as text
 * (labels, titles, placeholders, accessible names), so a literal fails the build instead of
 * showing up in English in the Arabic console. Punctuation, digits and symbols pass ("—",
 * "·", "%"); so do values that name no text (`data-testid`, `href`, colours, sizes).
 */
const LETTER = /\p{L}/u;

/** Props whose string value is shown to a person or read out by a screen reader. */
const TEXT_PROPS = new Set([
  "label",
  "placeholder",
  "title",
  "alt",
  "description",
  "error",
  "tooltip",
  "aria-label",
  "aria-description",
  "aria-valuetext",
  "aria-roledescription",
  "nothingFoundMessage",
  "confirmLabel",
  "cancelLabel",
  "emptyLabel",
  "emptyText",
  "message",
]);

function isTextProp(name) {
  return TEXT_PROPS.has(name) || /(Label|Text|Title|Message|Placeholder)$/.test(name);
}

/** The literal text of a string-ish expression, or null when it is computed. */
function literalText(node) {
  if (!node) return null;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  if (node.type === "TemplateLiteral") return node.quasis.map((q) => q.value.cooked).join("");
  return null;
}

const MESSAGE =
  "User-visible text must come from a catalog: add it under `console.` in packages/domain/src/locales and use t(…).";

const noLiteralString = {
  meta: {
    type: "problem",
    docs: { description: "Disallow user-visible literal strings in JSX" },
    schema: [],
  },
  create(context) {
    return {
      JSXText(node) {
        if (LETTER.test(node.value)) context.report({ node, message: MESSAGE });
      },
      JSXExpressionContainer(node) {
        if (node.parent?.type !== "JSXElement" && node.parent?.type !== "JSXFragment") return;
        const text = literalText(node.expression);
        if (text !== null && LETTER.test(text)) context.report({ node, message: MESSAGE });
      },
      JSXAttribute(node) {
        const name =
          node.name.type === "JSXNamespacedName" ? node.name.name.name : String(node.name.name);
        if (!isTextProp(name) || !node.value) return;
        const text =
          node.value.type === "JSXExpressionContainer"
            ? literalText(node.value.expression)
            : literalText(node.value);
        if (text !== null && LETTER.test(text)) context.report({ node, message: MESSAGE });
      },
    };
  },
};

/** The plugin, registered as `console` (rule `console/no-literal-string`). */
export default { rules: { "no-literal-string": noLiteralString } };
