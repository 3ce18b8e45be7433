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
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import classes from "./skills-page.module.css";
import { notifySuccess } from "../../lib/notify";
import { type RouterOutputs, useTRPC } from "../../lib/trpc";
import { useInvalidate } from "../../lib/invalidate";

type Skill = RouterOutputs["skills"]["list"][number];

/** Column widths past which a skill's name, slug and terms wrap or truncate, in px. */
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

function CreateSkill() {
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
        notifySuccess(`Added the skill ${skill.name}.`);
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate({ name: name.trim(), synonyms });
  };
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-label="New skill">
      <Group align="flex-end">
        <TextInput
          label="New skill"
          placeholder="e.g. PostgreSQL"
          value={name}
          maxLength={MAX_TERM_LENGTH}
          onChange={(event) => setName(event.currentTarget.value)}
          w={240}
        />
        <TagsInput
          label="Synonyms"
          placeholder="Type and press Enter"
          value={synonyms}
          onChange={setSynonyms}
          maxTags={50}
          flex={1}
          miw={260}
        />
        <Button type="submit" disabled={!name.trim()} loading={create.isPending}>
          Create skill
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
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={pending}>
            Cancel
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
        const moved = result.movedAdvisorIds.length;
        notifySuccess(
          `Merged ${source?.name ?? "the skill"} into ${result.target.name}; ${moved} ${moved === 1 ? "advisor" : "advisors"} moved.`,
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
      title={source ? `Merge ${source.name}` : "Merge"}
      centered
    >
      {source ? (
        confirming && target ? (
          <Stack>
            <Text size="sm">
              Merge <b>{source.name}</b> into <b>{target.name}</b>? Every advisor with {source.name}{" "}
              gets {target.name} instead, and all of {source.name}&apos;s terms (
              {source.synonyms.join(", ")}) will find {target.name}. {source.name} leaves the
              taxonomy; this can&apos;t be undone from the console.
            </Text>
            <Group justify="flex-end">
              <Button
                variant="default"
                onClick={() => setConfirming(false)}
                disabled={merge.isPending}
              >
                Back
              </Button>
              <Button
                color="red"
                loading={merge.isPending}
                onClick={() => merge.mutate({ sourceId: source.id, targetId: target.id })}
              >
                Merge {source.name} into {target.name}
              </Button>
            </Group>
          </Stack>
        ) : (
          <Stack>
            <Select
              label="Merge into"
              placeholder="Pick the skill to keep"
              searchable
              data={skills
                .filter((s) => s.id !== source.id)
                .map((s) => ({ value: s.id, label: s.name }))}
              value={targetId}
              onChange={setTargetId}
              comboboxProps={{ withinPortal: true }}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button disabled={!target} onClick={() => setConfirming(true)}>
                Continue
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
  const trpc = useTRPC();
  const invalidate = useInvalidateSkills();
  const remove = useMutation(
    trpc.skills.removeSynonym.mutationOptions({
      onSuccess: async (result, input) => {
        await invalidate();
        notifySuccess(
          result.changed
            ? `Removed “${input.term}” from ${skill.name}.`
            : `${skill.name} had no synonym “${input.term}”.`,
        );
      },
    }),
  );
  return (
    <Table.Tr data-skill-id={skill.id}>
      {/* Long names wrap (two lines at most, then an ellipsis) with the whole name on
          hover, so the actions column always keeps its room. */}
      <Table.Td>
        <Tooltip label={skill.name} multiline maw={480} withArrow openDelay={200}>
          <Text
            size="sm"
            fw={500}
            lineClamp={2}
            maw={NAME_MAX_WIDTH}
            className={classes.wrapAnywhere}
            data-testid="skill-name"
          >
            {skill.name}
          </Text>
        </Tooltip>
      </Table.Td>
      <Table.Td>
        <Text
          size="xs"
          ff="monospace"
          c="dimmed"
          truncate="end"
          maw={SLUG_MAX_WIDTH}
          title={skill.slug}
        >
          {skill.slug}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap={6} role="list" aria-label={`Synonyms of ${skill.name}`} maw={TERMS_MAX_WIDTH}>
          {skill.synonyms.map((term) => (
            <Badge
              key={term}
              role="listitem"
              variant="light"
              color="gray"
              tt="none"
              maw="100%"
              title={term}
              pr={term === skill.slug ? undefined : 2}
              rightSection={
                term === skill.slug ? null : (
                  <CloseButton
                    size="xs"
                    variant="transparent"
                    c="inherit"
                    disabled={remove.isPending}
                    aria-label={`Remove synonym ${term} from ${skill.name}`}
                    onClick={() => remove.mutate({ skillId: skill.id, term })}
                  />
                )
              }
            >
              {term}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td className={classes.actions}>
        <Group gap={4} wrap="nowrap" justify="flex-end">
          <Button
            size="xs"
            variant="subtle"
            aria-label={`Add a synonym to ${skill.name}`}
            onClick={() => onOpen("synonym")}
          >
            Add synonym
          </Button>
          <Button
            size="xs"
            variant="subtle"
            aria-label={`Rename ${skill.name}`}
            onClick={() => onOpen("rename")}
          >
            Rename
          </Button>
          <Tooltip label="Fold this skill into another one" withArrow>
            <Button
              size="xs"
              variant="subtle"
              color="red"
              aria-label={`Merge ${skill.name} into another skill`}
              onClick={() => onOpen("merge")}
            >
              Merge…
            </Button>
          </Tooltip>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** The skills taxonomy: every active skill with the terms that find it, and its edits. */
export function SkillsPage() {
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
        notifySuccess(`Renamed to ${skill.name}; the old name still finds it.`);
      },
    }),
  );
  const addSynonym = useMutation(
    trpc.skills.addSynonym.mutationOptions({
      onSuccess: async (_skill, input) => {
        await invalidate();
        close();
        notifySuccess(`“${input.term}” now finds ${dialog?.skill.name ?? "the skill"}.`);
      },
    }),
  );
  const skills = list.data ?? [];

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={2}>Skills</Title>
          <Text size="sm" c="dimmed">
            Names, slugs and synonyms all find a skill when clients search and advisors apply.
          </Text>
        </Stack>
        <TextInput
          label="Search"
          placeholder="Any spelling"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={260}
        />
      </Group>

      <CreateSkill />

      {list.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading skills" />
        </Center>
      ) : list.isError ? (
        <Stack align="center" p="xl" gap="xs">
          <Text c="red">Couldn&apos;t load the skills.</Text>
          <Button variant="light" size="xs" onClick={() => void list.refetch()}>
            Try again
          </Button>
        </Stack>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table striped verticalSpacing="xs" aria-label="Skills" aria-busy={list.isFetching}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Slug</Table.Th>
                <Table.Th>Terms that find it</Table.Th>
                <Table.Th className={classes.actions}>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
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
                      No skills match.
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
        title={`Rename ${dialog?.skill.name ?? ""}`}
        label="New name"
        initial={dialog?.skill.name ?? ""}
        confirmLabel="Rename"
        pending={rename.isPending}
        onSubmit={(name) => {
          if (dialog) rename.mutate({ skillId: dialog.skill.id, name });
        }}
        onClose={close}
      />
      <TermModal
        opened={dialog?.kind === "synonym"}
        title={`Add a synonym to ${dialog?.skill.name ?? ""}`}
        label="Synonym"
        initial=""
        confirmLabel="Add synonym"
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
