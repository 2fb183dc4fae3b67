/** The price source: the current price book (the shipped snapshot, or the last live refresh). */
import type { PriceBook } from '../../model/types';

/** A fresh copy of the current price book on every call (callers may modify it). */
export type PriceSource = () => PriceBook;
