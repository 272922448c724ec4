// `tlspeek diff --json`: the differences as one JSON object for scripts. Rows are the same as in
// the tables; lists carry their items per input and the changes against the reference (input 0),
// positions 1-based. Without --all only the differing rows are listed; the counts are always there.
import type { Connection } from '../tls/model.js';
import type { ListChange, ListItem } from './list.js';
import { allEqual, sectionCounts, type Section } from './sections.js';

export interface DiffInput {
  label: string;
  /** The argument as given, selector included. */
  input: string;
  connection: Connection;
}

export interface JsonValueRow {
  field: string;
  label: string;
  kind: 'value';
  equal: boolean;
  values: (string | null)[];
}

export interface JsonListRow {
  field: string;
  label: string;
  kind: 'list';
  ordered: boolean;
  equal: boolean;
  /** Per input: the items in order (for unordered lists "item: value"), or null when absent. */
  values: (string[] | null)[];
  /** Per input, against input 0; null for input 0 itself. */
  changes: (ListChange | null)[];
}

export interface JsonDiff {
  equal: boolean;
  /** Index of the input list changes are described against. */
  reference: 0;
  inputs: {
    label: string;
    input: string;
    file: string | null;
    connection: number;
    client: string;
    server: string;
    serverName: string | null;
    startTime: string | null;
  }[];
  sections: { id: string; title: string; fields: number; equalFields: number; rows: (JsonValueRow | JsonListRow)[] }[];
}

function itemText(it: ListItem, ordered: boolean): string {
  return ordered || it.value === undefined ? it.key : `${it.key}: ${it.value}`;
}

export function diffToJson(inputs: readonly DiffInput[], sections: readonly Section[], all: boolean): JsonDiff {
  return {
    equal: allEqual(sections),
    reference: 0,
    inputs: inputs.map((i) => ({
      label: i.label,
      input: i.input,
      file: i.connection.file ?? null,
      connection: i.connection.id,
      client: i.connection.client,
      server: i.connection.server,
      serverName: i.connection.clientHello?.serverName ?? null,
      startTime: i.connection.startTime ?? null,
    })),
    sections: sections.map((s) => {
      const { equal, total } = sectionCounts(s);
      return {
        id: s.id,
        title: s.title,
        fields: total,
        equalFields: equal,
        rows: s.rows
          .filter((r) => all || !r.equal)
          .map((r): JsonValueRow | JsonListRow =>
            r.kind === 'value'
              ? { field: r.field, label: r.label, kind: 'value', equal: r.equal, values: r.values }
              : {
                  field: r.field,
                  label: r.label,
                  kind: 'list',
                  ordered: r.ordered,
                  equal: r.equal,
                  values: r.lists.map((l) => (l ? l.map((it) => itemText(it, r.ordered)) : null)),
                  changes: r.changes,
                },
          ),
      };
    }),
  };
}
