import {
  Anchor,
  Badge,
  Button,
  CloseButton,
  Group,
  NativeSelect,
  Rating,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { ReasonModal } from "../../components/reason-modal";
import { formatDateTime } from "../../lib/format";
import { notifySuccess } from "../../lib/notify";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { type RouterOutputs, useTRPC } from "../../lib/trpc";
import { InfiniteTable } from "../../components/infinite-table";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";
import { useInvalidate } from "../../lib/invalidate";

type ReviewRow = RouterOutputs["reviews"]["listForModeration"]["items"][number];

const VISIBILITY_OPTIONS = [
  { value: "", label: "All reviews" },
  { value: "visible", label: "Visible" },
  { value: "hidden", label: "Hidden" },
] as const;

type Visibility = (typeof VISIBILITY_OPTIONS)[number]["value"];

type PendingModeration = { review: ReviewRow; action: "hide" | "unhide" };

function describe(review: ReviewRow): string {
  return `the ${review.rating}-star review of ${review.advisorName}`;
}

/** Hide or show again, each with the reason the audit log keeps. */
function ModerationModal({
  pending,
  onClose,
}: {
  pending: PendingModeration | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const onSuccess = async (changed: boolean, done: string) => {
    await invalidate(trpc.reviews.pathKey(), trpc.advisors.pathKey());
    onClose();
    notifySuccess(changed ? done : "Nothing to change: someone else already did it.");
  };
  const what = pending ? describe(pending.review) : "the review";
  const hide = useMutation(
    trpc.reviews.hide.mutationOptions({
      onSuccess: (result) => onSuccess(result.changed, `Hid ${what}.`),
    }),
  );
  const unhide = useMutation(
    trpc.reviews.unhide.mutationOptions({
      onSuccess: (result) => onSuccess(result.changed, `Showed ${what} again.`),
    }),
  );
  const hiding = pending?.action === "hide";
  return (
    <ReasonModal
      opened={pending !== null}
      title={hiding ? "Hide review" : "Show review again"}
      label="Reason"
      description="Kept in the audit log."
      confirmLabel={hiding ? "Hide review" : "Show review"}
      color={hiding ? "red" : "teal"}
      maxLength={500}
      pending={hide.isPending || unhide.isPending}
      onConfirm={(reason) => {
        if (!pending) return;
        const input = { reviewId: pending.review.id, reason };
        if (hiding) hide.mutate(input);
        else unhide.mutate(input);
      }}
      onClose={onClose}
    >
      <Text size="sm">
        {hiding
          ? `Hide ${what}? It disappears from the advisor's public profile and stops counting in their rating.`
          : `Show ${what} again? It returns to the advisor's public profile and rating.`}
      </Text>
    </ReasonModal>
  );
}

function ReviewTableRow({
  review,
  locale,
  onModerate,
  onFilterAdvisor,
}: {
  review: ReviewRow;
  locale: ConsoleLocale;
  onModerate: (action: PendingModeration["action"]) => void;
  onFilterAdvisor: () => void;
}) {
  const hidden = review.hiddenAt !== null;
  return (
    <Table.Tr data-review-id={review.id} style={hidden ? { opacity: 0.75 } : undefined}>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <Text size="xs" c="dimmed">
          {formatDateTime(review.createdAt, locale)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Anchor
          component="button"
          size="sm"
          onClick={onFilterAdvisor}
          aria-label={`Only reviews of ${review.advisorName}`}
        >
          {review.advisorName}
        </Anchor>
        <Text size="xs" c="dimmed">
          {review.advisorRatingCount > 0
            ? `${(review.advisorRatingSum / review.advisorRatingCount).toFixed(1)} ★ from ${review.advisorRatingCount}`
            : "no rating yet"}
        </Text>
      </Table.Td>
      <Table.Td>
        <Rating
          value={review.rating}
          readOnly
          size="sm"
          aria-label={`${review.rating} of 5 stars`}
        />
      </Table.Td>
      <Table.Td maw={420}>
        <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
          {review.body}
        </Text>
        <Text size="xs" c="dimmed" mt={2}>
          by {review.reviewerName}
        </Text>
        {review.reply ? (
          <Text size="xs" c="dimmed" mt={4} style={{ whiteSpace: "pre-wrap" }}>
            Advisor&apos;s reply: {review.reply}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        {hidden ? (
          <Stack gap={2} align="flex-start">
            <Badge color="red" variant="light">
              Hidden
            </Badge>
            <Text size="xs" c="dimmed">
              {formatDateTime(review.hiddenAt, locale)}
            </Text>
            {review.hiddenReason ? (
              <Text size="xs" c="dimmed" lineClamp={3}>
                {review.hiddenReason}
              </Text>
            ) : null}
          </Stack>
        ) : (
          <Badge color="teal" variant="light">
            Visible
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        {hidden ? (
          <Button
            size="xs"
            variant="light"
            color="teal"
            aria-label={`Show ${describe(review)} again`}
            onClick={() => onModerate("unhide")}
          >
            Unhide
          </Button>
        ) : (
          <Button
            size="xs"
            variant="light"
            color="red"
            aria-label={`Hide ${describe(review)}`}
            onClick={() => onModerate("hide")}
          >
            Hide
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** Review moderation: every review, hidden ones too, newest first; hide and show again. */
export function ReviewsPage() {
  const trpc = useTRPC();
  const locale = useLocale();
  const [searchParams, setSearchParams] = useSearchParams();
  const advisorId = searchParams.get("advisor") ?? undefined;
  const [visibility, setVisibility] = useState<Visibility>("");
  const [pending, setPending] = useState<PendingModeration | null>(null);

  const list = useInfiniteList(
    trpc.reviews.listForModeration.infiniteQueryOptions(
      {
        hidden: visibility === "" ? undefined : visibility === "hidden",
        advisorId,
        limit: PAGE_SIZE,
      },
      { ...PAGING },
    ),
  );
  const reviews = list.items;
  const advisorName = reviews.find((r) => r.advisorId === advisorId)?.advisorName ?? advisorId;

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Reviews</Title>
        <Group align="flex-end">
          {advisorId ? (
            <Badge
              size="lg"
              variant="light"
              rightSection={
                <CloseButton
                  size="xs"
                  variant="transparent"
                  aria-label="Show every advisor's reviews"
                  onClick={() => setSearchParams({})}
                />
              }
            >
              Advisor {advisorName}
            </Badge>
          ) : null}
          <NativeSelect
            label="Visibility"
            value={visibility}
            data={VISIBILITY_OPTIONS}
            onChange={(event) => {
              const value = VISIBILITY_OPTIONS.find((o) => o.value === event.currentTarget.value);
              setVisibility(value?.value ?? "");
            }}
          />
        </Group>
      </Group>

      <InfiniteTable
        list={list}
        label="Reviews"
        noun="reviews"
        singular="review"
        plural="reviews"
        minWidth={1000}
        head={
          <>
            <Table.Th>Written</Table.Th>
            <Table.Th>Advisor</Table.Th>
            <Table.Th>Rating</Table.Th>
            <Table.Th>Review</Table.Th>
            <Table.Th>Visibility</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </>
        }
        columns={6}
        empty="No reviews match."
        rowKey={(review) => review.id}
        row={(review) => (
          <ReviewTableRow
            key={review.id}
            review={review}
            locale={locale}
            onModerate={(action) => setPending({ review, action })}
            onFilterAdvisor={() => setSearchParams({ advisor: review.advisorId })}
          />
        )}
      />

      <ModerationModal pending={pending} onClose={() => setPending(null)} />
    </Stack>
  );
}
