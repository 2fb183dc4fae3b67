/** Where a use case writes its log lines (the Functions invocation context in production). */
export interface Log {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
