/** The clock: tests inject a fixed one. */
export type Clock = () => Date;
