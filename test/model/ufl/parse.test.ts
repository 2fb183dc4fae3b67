import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOpt, parseOrlibCap, parseUflLib } from '../../../src/model/ufl/parse.js';
import { evaluateOpenSet } from '../../../src/model/ufl/evaluate.js';
import { solveUfl } from '../../../src/model/ufl/solve.js';

const benchDir = process.env.UFL_BENCH_DIR ?? path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'bench', 'ufl');
const read = (rel: string): string => readFileSync(path.join(benchDir, rel), 'utf8');
const optima = JSON.parse(read('optima.json')) as Record<string, { optimum: number }>;

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe('parseOrlibCap', () => {
  it('parses the token stream: the word `capacity`, floats like `7500.` and `.00000`, demand ignored', () => {
    const text = ' 2 3 \n capacity 7500. \n 10 .00000 \n 5\n 1.5 2\n 7 \n .25 4. \n 9\n 3 1 \n';
    const { instance } = parseOrlibCap(text, 'tiny');
    expect(instance.nFacilities).toBe(2);
    expect(instance.nClients).toBe(3);
    expect(Array.from(instance.openCost)).toEqual([7500, 0]);
    // cost[i * m + j], not multiplied by demand
    expect(Array.from(instance.cost)).toEqual([1.5, 0.25, 3, 2, 4, 1]);
  });
  it('rejects a wrong token count', () => {
    expect(() => parseOrlibCap('2 3 1 1 1 1 5 1 2', 'bad')).toThrow(/tokens/);
  });
  it('cap71 solves to its published optimum, and the .opt assignment evaluates to it', () => {
    const { instance } = parseOrlibCap(read('orlib/cap71.txt'), 'cap71');
    expect([instance.nFacilities, instance.nClients]).toEqual([16, 50]);
    expect(instance.openCost[10]).toBe(0); // warehouse 11 has a zero fixed cost in the original data
    const r = solveUfl(instance);
    expect(r.status).toBe('optimal');
    expect(rel(r.objective, optima.cap71!.optimum)).toBeLessThanOrEqual(1e-9);
    const opt = parseOpt(read('orlib/cap71.txt.opt'));
    const open = [...new Set(opt.assignment)];
    expect(rel(evaluateOpenSet(instance, open).objective, opt.objective)).toBeLessThanOrEqual(1e-9);
  });
  it('cap131 solves to its published optimum', () => {
    const { instance } = parseOrlibCap(read('orlib/cap131.txt'), 'cap131');
    const r = solveUfl(instance);
    expect(r.status).toBe('optimal');
    expect(rel(r.objective, optima.cap131!.optimum)).toBeLessThanOrEqual(1e-9);
  });
});

describe('parseUflLib', () => {
  it('parses the FILE: header, sizes and facility lines', () => {
    const text = 'FILE: toy\n2 3 0 \n1 10 1 2 3 \n2 20 4 5 6 \n';
    const p = parseUflLib(text);
    expect(p.name).toBe('toy');
    expect(Array.from(p.instance.openCost)).toEqual([10, 20]);
    expect(Array.from(p.instance.cost)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('rejects a missing header', () => {
    expect(() => parseUflLib('2 3 0\n')).toThrow(/FILE:/);
  });
  it('E10.1 (header names E01.11) solves to its published optimum', () => {
    const p = parseUflLib(read('ufllib/E10.1'));
    expect(p.name).toBe('E01.11');
    expect([p.instance.nFacilities, p.instance.nClients]).toEqual([50, 100]);
    const r = solveUfl(p.instance);
    expect(r.status).toBe('optimal');
    expect(rel(r.objective, optima['E10.1']!.optimum)).toBeLessThanOrEqual(1e-9);
  });
  it('D1.1 solves to its published optimum, equal to its .opt assignment', () => {
    const p = parseUflLib(read('ufllib/D1.1'));
    const r = solveUfl(p.instance);
    expect(r.status).toBe('optimal');
    expect(r.objective).toBe(optima['D1.1']!.optimum);
    const opt = parseOpt(read('ufllib/D1.1.opt'));
    expect(evaluateOpenSet(p.instance, [...new Set(opt.assignment)]).objective).toBe(opt.objective);
  });
});
