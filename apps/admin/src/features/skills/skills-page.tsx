import {
  Badge,
  Button,
  Center,
  CloseButton,
  Group,
  Loader,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
  Tooltip,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useState } from "react";
import { Trans } from "react-i18next";
import classes from "./skills-page.module.css";
import { Data } from "../../components/formatted";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { type RouterOutputs, useTRPC } from "../../lib/trpc";
import { useInvalidate } from "../../lib/invalidate";

type Skill = RouterOutputs["skills"]["list"][number];

/** Column widths past which a skill's name, slug and terms wrap, in px. */
const NAME_MAX_WIDTH = 320;
const SLUG_MAX_WIDTH = 220;
const TERMS_MAX_WIDTH = 420;

/** The API's longest skill name or synonym. */
const MAX_TERM_LENGTH = 100;

/** Refetches the taxonomy and what shows skills by name (advisors, the queue's filter). */
function useInvalidateSkills() {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  return () =>
    invalidate(trpc.skills.pathKey(), trpc.advisors.pathKey(), trpc.applications.pathKey());
}

/** A skill's name in bold, kept in its own direction inside a translated sentence. */
function StrongData({ children }: { children?: ReactNode }) {
  return (
    <b>
      <Data>{children}</Data>
    </b>
  );
}

function CreateSkill() {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidateSkills();
  const [name, setName] = useState("");
  const [synonyms, setSynonyms] = useState<string[]>([]);
  const create = useMutation(
    trpc.skills.create.mutationOptions({
      onSuccess: async (skill) => {
        await invalidate();
        setName("");
        setSynonyms([]);
        notifySuccess(t("console.skills.created", { name: skill.name }));
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate({ name: name.trim(), synonyms });
  };
  return (
    <Paper
      withBorder
      p="md"
      component="form"
      onSubmit={submit}
      aria-label={t("console.skills.newSkill")}
    >
      <Group align="flex-end">
        <TextInput
          label={t("console.skills.newSkill")}
          placeholder={t("console.skills.newSkillPlaceholder")}
          value={name}
          maxLength={MAX_TERM_LENGTH}
          onChange={(event) => setName(event.currentTarget.value)}
          w={240}
        />
        <TagsInput
          label={t("console.skills.synonyms")}
          placeholder={t("console.skills.synonymsPlaceholder")}
          value={synonyms}
          onChange={setSynonyms}
          maxTags={50}
          flex={1}
          miw={{ base: "100%", xs: 260 }}
        />
        <Button type="submit" disabled={!name.trim()} loading={create.isPending}>
          {t("console.skills.create")}
        </Button>
      </Group>
    </Paper>
  );
}

/** A single-field form in a modal: rename, add a synonym. */
function TermModal({
  opened,
  title,
  label,
  initial,
  confirmLabel,
  pending,
  onSubmit,
  onClose,
}: {
  opened: boolean;
  title: string;
  label: string;
  initial: string;
  confirmLabel: string;
  pending: boolean;
  onSubmit: (value: string) => void;
  onClose: () => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      {opened ? (
        <TermForm
          label={label}
          initial={initial}
          confirmLabel={confirmLabel}
          pending={pending}
          onSubmit={onSubmit}
          onClose={onClose}
        />
      ) : null}
    </Modal>
  );
}

function TermForm({
  label,
  initial,
  confirmLabel,
  pending,
  onSubmit,
  onClose,
}: {
  label: string;
  initial: string;
  confirmLabel: string;
  pending: boolean;
  onSubmit: (value: string) => void;
  onClose: () => void;
}) {
  const t = useT();
  const [value, setValue] = useState(initial);
  const trimmed = value.trim();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (trimmed) onSubmit(trimmed);
  };
  return (
    <form onSubmit={submit}>
      <Stack>
        <TextInput
          label={label}
          required
          maxLength={MAX_TERM_LENGTH}
          value={value}
          onChange={(event) => setValue(event.currentTarget.value)}
          data-autofocus
        />
        <Group justify="flex-end" wrap="wrap">
          <Button variant="default" onClick={onClose} disabled={pending}>
            {t("console.skills.cancel")}
          </Button>
          <Button type="submit" disabled={!trimmed || trimmed === initial} loading={pending}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Picks the skill to merge into, then asks to confirm: a merge can't be undone here. */
function MergeModal({
  source,
  skills,
  onClose,
}: {
  source: Skill | null;
  skills: readonly Skill[];
  onClose: () => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidateSkills();
  const [targetId, setTargetId] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const close = () => {
    setTargetId(null);
    setConfirming(false);
    onClose();
  };
  const merge = useMutation(
    trpc.skills.merge.mutationOptions({
      onSuccess: async (result) => {
        await invalidate();
        notifySuccess(
          t("console.skills.merged", {
            source: source?.name ?? "",
            target: result.target.name,
            count: result.movedAdvisorIds.length,
          }),
        );
        close();
      },
    }),
  );
  const target = skills.find((s) => s.id === targetId);
  return (
    <Modal
      opened={source !== null}
      onClose={close}
      title={source ? t("console.skills.mergeTitle", { name: source.name }) : undefined}
      centered
    >
      {source ? (
        confirming && target ? (
          <Stack>
            <Text size="sm" className={classes.wrapAnywhere}>
              <Trans
                i18nKey="console.skills.mergeConfirm"
                components={{
                  sourceStrong: <StrongData>{source.name}</StrongData>,
                  targetStrong: <StrongData>{target.name}</StrongData>,
                  sourceName: <Data>{source.name}</Data>,
                  targetName: <Data>{target.name}</Data>,
                  terms: <Data>{source.synonyms.join(", ")}</Data>,
                }}
              />
            </Text>
            <Group justify="flex-end" wrap="wrap">
              <Button
                variant="default"
                onClick={() => setConfirming(false)}
                disabled={merge.isPending}
              >
                {t("console.skills.back")}
              </Button>
              <Button
                color="red"
                loading={merge.isPending}
                onClick={() => merge.mutate({ sourceId: source.id, targetId: target.id })}
              >
                {t("console.skills.mergeConfirmButton", {
                  source: source.name,
                  target: target.name,
                })}
              </Button>
            </Group>
          </Stack>
        ) : (
          <Stack>
            <Select
              label={t("console.skills.mergeInto")}
              placeholder={t("console.skills.mergeIntoPlaceholder")}
              searchable
              data={skills
                .filter((s) => s.id !== source.id)
                .map((s) => ({ value: s.id, label: s.name }))}
              value={targetId}
              onChange={setTargetId}
              comboboxProps={{ withinPortal: true }}
              data-autofocus
            />
            <Group justify="flex-end" wrap="wrap">
              <Button variant="default" onClick={close}>
                {t("console.skills.cancel")}
              </Button>
              <Button disabled={!target} onClick={() => setConfirming(true)}>
                {t("console.skills.continue")}
              </Button>
            </Group>
          </Stack>
        )
      ) : null}
    </Modal>
  );
}

type Dialog = { kind: "rename" | "synonym" | "merge"; skill: Skill } | null;

function SkillRow({
  skill,
  onOpen,
}: {
  skill: Skill;
  onOpen: (kind: NonNullable<Dialog>["kind"]) => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidateSkills();
  const remove = useMutation(
    trpc.skills.removeSynonym.mutationOptions({
      onSuccess: async (result, input) => {
        await invalidate();
        notifySuccess(
          result.changed
            ? t("console.skills.synonymRemoved", { term: input.term, name: skill.name })
            : t("console.skills.synonymMissing", { term: input.term, name: skill.name }),
        );
      },
    }),
  );
  return (
    <Table.Tr data-skill-id={skill.id}>
      {/* Long names wrap within their column, so the actions column always keeps its room. */}
      <Table.Td>
        <Text
          size="sm"
          fw={500}
          maw={NAME_MAX_WIDTH}
          className={classes.wrapAnywhere}
          data-testid="skill-name"
        >
          <Data>{skill.name}</Data>
        </Text>
      </Table.Td>
      <Table.Td>
        <Text
          size="xs"
          ff="monospace"
          c="dimmed"
          maw={SLUG_MAX_WIDTH}
          className={classes.wrapAnywhere}
        >
          <Data>{skill.slug}</Data>
        </Text>
      </Table.Td>
      <Table.Td>
        <Group
          gap={6}
          role="list"
          aria-label={t("console.skills.synonymsOf", { name: skill.name })}
          maw={TERMS_MAX_WIDTH}
        >
          {skill.synonyms.map((term) => (
            <Badge
              key={term}
              role="listitem"
              variant="light"
              color="gray"
              tt="none"
              classNames={{ root: classes.term, label: classes.termLabel }}
              rightSection={
                term === skill.slug ? null : (
                  <CloseButton
                    size="xs"
                    variant="transparent"
                    c="inherit"
                    disabled={remove.isPending}
                    aria-label={t("console.skills.removeSynonym", { term, name: skill.name })}
                    onClick={() => remove.mutate({ skillId: skill.id, term })}
                  />
                )
              }
            >
              <Data>{term}</Data>
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td className={classes.actions}>
        <Group gap={4} wrap="nowrap" justify="flex-end">
          <Button
            size="xs"
            variant="subtle"
            aria-label={t("console.skills.addSynonymNamed", { name: skill.name })}
            onClick={() => onOpen("synonym")}
          >
            {t("console.skills.addSynonym")}
          </Button>
          <Button
            size="xs"
            variant="subtle"
            aria-label={t("console.skills.renameNamed", { name: skill.name })}
            onClick={() => onOpen("rename")}
          >
            {t("console.skills.rename")}
          </Button>
          <Tooltip label={t("console.skills.mergeHint")} withArrow>
            <Button
              size="xs"
              variant="subtle"
              color="red"
              aria-label={t("console.skills.mergeNamed", { name: skill.name })}
              onClick={() => onOpen("merge")}
            >
              {t("console.skills.merge")}
            </Button>
          </Tooltip>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** The skills taxonomy: every active skill with the terms that find it, and its edits. */
export function SkillsPage() {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidateSkills();
  const [search, setSearch] = useState("");
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const [dialog, setDialog] = useState<Dialog>(null);
  const list = useQuery(
    trpc.skills.list.queryOptions(
      { search: debouncedSearch || undefined, limit: 500 },
      { placeholderData: keepPreviousData },
    ),
  );
  // Merge targets come from the whole taxonomy, whatever the search shows.
  const all = useQuery(trpc.skills.list.queryOptions({ limit: 500 }));
  const close = () => setDialog(null);

  const rename = useMutation(
    trpc.skills.rename.mutationOptions({
      onSuccess: async (skill) => {
        await invalidate();
        close();
        notifySuccess(t("console.skills.renamed", { name: skill.name }));
      },
    }),
  );
  const addSynonym = useMutation(
    trpc.skills.addSynonym.mutationOptions({
      onSuccess: async (_skill, input) => {
        await invalidate();
        close();
        notifySuccess(
          t("console.skills.synonymAdded", { term: input.term, name: dialog?.skill.name ?? "" }),
        );
      },
    }),
  );
  const skills = list.data ?? [];

  return (
    <Stack>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={0}>
          <Title order={2}>{t("console.skills.title")}</Title>
          <Text size="sm" c="dimmed">
            {t("console.skills.subtitle")}
          </Text>
        </Stack>
        <TextInput
          label={t("console.skills.search")}
          placeholder={t("console.skills.searchPlaceholder")}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={260}
        />
      </Group>

      <CreateSkill />

      {list.isPending ? (
        <Center p="xl">
          <Loader aria-label={t("console.skills.loading")} />
        </Center>
      ) : list.isError ? (
        <Stack align="center" p="xl" gap="xs">
          <Text c="red">{t("console.skills.loadFailed")}</Text>
          <Button variant="light" size="xs" onClick={() => void list.refetch()}>
            {t("console.skills.tryAgain")}
          </Button>
        </Stack>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table
            striped
            verticalSpacing="xs"
            aria-label={t("console.skills.table")}
            aria-busy={list.isFetching}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.skills.name")}</Table.Th>
                <Table.Th>{t("console.skills.slug")}</Table.Th>
                <Table.Th>{t("console.skills.terms")}</Table.Th>
                <Table.Th className={classes.actions}>{t("console.skills.actions")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {skills.map((skill) => (
                <SkillRow
                  key={skill.id}
                  skill={skill}
                  onOpen={(kind) => setDialog({ kind, skill })}
                />
              ))}
              {skills.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={4}>
                    <Text size="sm" c="dimmed" ta="center" p="md">
                      {t("console.skills.empty")}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <TermModal
        opened={dialog?.kind === "rename"}
        title={t("console.skills.renameNamed", { name: dialog?.skill.name ?? "" })}
        label={t("console.skills.newName")}
        initial={dialog?.skill.name ?? ""}
        confirmLabel={t("console.skills.rename")}
        pending={rename.isPending}
        onSubmit={(name) => {
          if (dialog) rename.mutate({ skillId: dialog.skill.id, name });
        }}
        onClose={close}
      />
      <TermModal
        opened={dialog?.kind === "synonym"}
        title={t("console.skills.addSynonymTo", { name: dialog?.skill.name ?? "" })}
        label={t("console.skills.synonym")}
        initial=""
        confirmLabel={t("console.skills.addSynonym")}
        pending={addSynonym.isPending}
        onSubmit={(term) => {
          if (dialog) addSynonym.mutate({ skillId: dialog.skill.id, term });
        }}
        onClose={close}
      />
      <MergeModal
        source={dialog?.kind === "merge" ? dialog.skill : null}
        skills={all.data ?? skills}
        onClose={close}
      />
    </Stack>
  );
}
