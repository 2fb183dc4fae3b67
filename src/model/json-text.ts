/**
 * A value already serialised as JSON text, typed by what it holds: a large
 * answer (a recommendation, 47 KB for 40 workloads) is serialised once, where
 * it is computed (a solver worker thread), crosses the thread boundary as one
 * string (a copy, where a deep object costs a structured clone and a rebuild)
 * and is sent as the HTTP body as it is, without a parse and a re-stringify.
 *
 * The brand keeps such text apart from any other string: only toJsonText()
 * makes one, and a handler sends it with jsonText() (src/http/endpoint.ts),
 * never through json(), which would encode it a second time.
 */
declare const jsonOf: unique symbol;

export type JsonText<T> = string & { readonly [jsonOf]: T };

/** JSON.stringify(value), compact (no indentation): the same members and values as the object. */
export function toJsonText<T extends object>(value: T): JsonText<T> {
  return JSON.stringify(value) as JsonText<T>;
}

/** The value back (as JSON holds it: undefined members dropped, non-finite numbers as null). */
export function parseJsonText<T>(text: JsonText<T>): T {
  return JSON.parse(text) as T;
}
