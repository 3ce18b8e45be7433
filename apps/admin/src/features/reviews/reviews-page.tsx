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
} from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Trans } from "react-i18next";
import { useSearchParams } from "react-router";
import { Data, DateTime } from "../../components/formatted";
import { ReasonModal } from "../../components/reason-modal";
import { StatusBadge } from "../../components/status-badge";
import { formatRating } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { type RouterOutputs, useTRPC } from "../../lib/trpc";
import { InfiniteTable } from "../../components/infinite-table";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";
import { useInvalidate } from "../../lib/invalidate";

type ReviewRow = RouterOutputs["reviews"]["listForModeration"]["items"][number];

/** The visibility filter's options, each labelled from `console.reviews.visibility.<value>`. */
const VISIBILITY_OPTIONS = ["", "visible", "hidden"] as const;

type Visibility = (typeof VISIBILITY_OPTIONS)[number];

type PendingModeration = { review: ReviewRow; action: "hide" | "unhide" };

/** What names a review in a sentence: its stars (the plural's count) and its advisor. */
function about(review: ReviewRow): { count: number; name: string } {
  return { count: review.rating, name: review.advisorName };
}

/** Hide or show again, each with the reason the audit log keeps. */
function ModerationModal({
  pending,
  onClose,
}: {
  pending: PendingModeration | null;
  onClose: () => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const onSuccess = async (changed: boolean, done: string) => {
    await invalidate(trpc.reviews.pathKey(), trpc.advisors.pathKey());
    onClose();
    notifySuccess(changed ? done : t("console.reviews.unchanged"));
  };
  const what = pending ? about(pending.review) : { count: 0, name: "" };
  const hide = useMutation(
    trpc.reviews.hide.mutationOptions({
      onSuccess: (result) => onSuccess(result.changed, t("console.reviews.hid", what)),
    }),
  );
  const unhide = useMutation(
    trpc.reviews.unhide.mutationOptions({
      onSuccess: (result) => onSuccess(result.changed, t("console.reviews.showed", what)),
    }),
  );
  const hiding = pending?.action === "hide";
  return (
    <ReasonModal
      opened={pending !== null}
      title={hiding ? t("console.reviews.hideTitle") : t("console.reviews.unhideTitle")}
      label={t("console.reviews.reason")}
      description={t("console.reviews.reasonHelp")}
      confirmLabel={hiding ? t("console.reviews.hideConfirm") : t("console.reviews.unhideConfirm")}
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
        <Trans
          i18nKey={hiding ? "console.reviews.hideEffect" : "console.reviews.unhideEffect"}
          count={what.count}
          components={{ name: <Data>{what.name}</Data> }}
        />
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
  const t = useT();
  const hidden = review.hiddenAt !== null;
  const rating = formatRating(review.advisorRatingCount, review.advisorRatingSum, locale);
  return (
    // A hidden review says so in its badge; fading the row would drop its text below AA contrast.
    <Table.Tr data-review-id={review.id}>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <Text size="xs" c="dimmed">
          <DateTime value={review.createdAt} />
        </Text>
      </Table.Td>
      <Table.Td>
        <Anchor
          component="button"
          size="sm"
          ta="start"
          style={{ overflowWrap: "anywhere" }}
          onClick={onFilterAdvisor}
          aria-label={t("console.reviews.onlyAdvisor", { name: review.advisorName })}
        >
          <Data>{review.advisorName}</Data>
        </Anchor>
        <Text size="xs" c="dimmed">
          {rating === null
            ? t("console.reviews.noRatings")
            : t("console.reviews.average", { rating })}
        </Text>
      </Table.Td>
      <Table.Td>
        <Rating
          value={review.rating}
          readOnly
          size="sm"
          role="img"
          aria-label={t("console.reviews.stars", { count: review.rating })}
        />
      </Table.Td>
      <Table.Td maw={420}>
        <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
          <Data>{review.body}</Data>
        </Text>
        <Text size="xs" c="dimmed" mt={2}>
          <Trans
            i18nKey="console.reviews.by"
            components={{ name: <Data>{review.reviewerName}</Data> }}
          />
        </Text>
        {review.reply ? (
          <Text
            size="xs"
            c="dimmed"
            mt={4}
            style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
          >
            <Trans
              i18nKey="console.reviews.reply"
              components={{ reply: <Data>{review.reply}</Data> }}
            />
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        {hidden ? (
          <Stack gap={2} align="flex-start">
            <StatusBadge color="red" label={t("console.reviews.visibility.hidden")} />
            <Text size="xs" c="dimmed">
              <DateTime value={review.hiddenAt} />
            </Text>
            {review.hiddenReason ? (
              <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
                <Data>{review.hiddenReason}</Data>
              </Text>
            ) : null}
          </Stack>
        ) : (
          <StatusBadge color="teal" label={t("console.reviews.visibility.visible")} />
        )}
      </Table.Td>
      <Table.Td>
        {hidden ? (
          <Button
            size="xs"
            variant="light"
            color="teal"
            aria-label={t("console.reviews.unhideNamed", about(review))}
            onClick={() => onModerate("unhide")}
          >
            {t("console.reviews.unhide")}
          </Button>
        ) : (
          <Button
            size="xs"
            variant="subtle"
            color="red"
            aria-label={t("console.reviews.hideNamed", about(review))}
            onClick={() => onModerate("hide")}
          >
            {t("console.reviews.hide")}
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** Review moderation: every review, hidden ones too, newest first; hide and show again. */
export function ReviewsPage() {
  const t = useT();
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
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={2}>{t("console.reviews.title")}</Title>
        <Group align="flex-end" wrap="wrap">
          {advisorId ? (
            <Badge
              size="lg"
              variant="light"
              tt="none"
              h="auto"
              py={4}
              maw="100%"
              styles={{
                label: { whiteSpace: "normal", overflow: "visible", overflowWrap: "anywhere" },
              }}
              rightSection={
                <CloseButton
                  size="xs"
                  variant="transparent"
                  aria-label={t("console.reviews.clearAdvisor")}
                  onClick={() => setSearchParams({})}
                />
              }
            >
              <Trans
                i18nKey="console.reviews.advisorFilter"
                components={{ name: <Data>{advisorName}</Data> }}
              />
            </Badge>
          ) : null}
          <NativeSelect
            label={t("console.reviews.visibilityLabel")}
            value={visibility}
            data={VISIBILITY_OPTIONS.map((value) => ({
              value,
              label: t(`console.reviews.visibility.${value || "all"}`),
            }))}
            onChange={(event) => {
              const value = VISIBILITY_OPTIONS.find((o) => o === event.currentTarget.value);
              setVisibility(value ?? "");
            }}
          />
        </Group>
      </Group>

      <InfiniteTable
        list={list}
        label={t("console.reviews.table")}
        noun={t("console.reviews.noun")}
        singular={t("console.reviews.singular")}
        plural={t("console.reviews.plural")}
        minWidth={1000}
        head={
          <>
            <Table.Th>{t("console.reviews.written")}</Table.Th>
            <Table.Th>{t("console.reviews.advisor")}</Table.Th>
            <Table.Th>{t("console.reviews.rating")}</Table.Th>
            <Table.Th>{t("console.reviews.review")}</Table.Th>
            <Table.Th>{t("console.reviews.visibilityLabel")}</Table.Th>
            <Table.Th>{t("console.reviews.actions")}</Table.Th>
          </>
        }
        columns={6}
        empty={t("console.reviews.empty")}
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
