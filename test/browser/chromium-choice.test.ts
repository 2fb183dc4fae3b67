// Which Chromium the browser tests drive: CHROMIUM_PATH, else a system `chromium`, else the bundled one.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseChromium, chromiumSource, findOnPath, launchChromium } from '../helpers/browser';

const dir = mkdtempSync(join(tmpdir(), 'chromium-choice-'));
const bin = join(dir, 'bin');
const fake = join(dir, 'chromium');
writeFileSync(fake, '#!/bin/sh\nexit 1\n');
chmodSync(fake, 0o755);
const notExecutable = join(dir, 'notes.txt');
writeFileSync(notExecutable, 'not a browser');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('choosing Chromium', () => {
  it('CHROMIUM_PATH wins over a chromium on PATH', () => {
    expect(chromiumSource({ CHROMIUM_PATH: fake, PATH: '/usr/bin' })).toEqual({ source: 'CHROMIUM_PATH', executablePath: fake });
  });

  it('a CHROMIUM_PATH that is not an executable fails instead of falling back', () => {
    expect(() => chromiumSource({ CHROMIUM_PATH: join(dir, 'missing') })).toThrow(/not an executable file/);
    expect(() => chromiumSource({ CHROMIUM_PATH: notExecutable })).toThrow(/not an executable file/);
  });

  it('a chromium on PATH is used, the first one in PATH order; non-executables are ignored', () => {
    expect(findOnPath('chromium', [bin, dir].join(delimiter))).toBe(fake);
    expect(chromiumSource({ PATH: ['', bin, dir].join(delimiter) })).toEqual({ source: 'system', executablePath: fake });
    expect(findOnPath('notes.txt', dir)).toBeUndefined();
  });

  it('without either, the bundled @sparticuz/chromium is extracted and used with its own flags and fonts', async () => {
    const choice = await chooseChromium({ PATH: bin });
    expect(choice.source).toBe('@sparticuz/chromium');
    expect(choice.executablePath).toBe(join(tmpdir(), 'chromium'));
    expect(findOnPath('chromium', tmpdir())).toBe(choice.executablePath);
    expect(choice.args).toContain('--no-sandbox');
  });

  it('the Chromium this machine resolves to starts and renders a page', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setContent('<p id="x">ready</p>');
      expect(await page.textContent('#x')).toBe('ready');
      expect(browser.version()).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    } finally {
      await browser.close();
    }
  });
});
