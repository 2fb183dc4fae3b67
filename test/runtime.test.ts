// Which Node.js runs the suite. .ci/run sets EXPECT_NODE_MAJOR for its Node 22/24 passes, so a
// pass that silently ran vitest's workers on another Node fails here instead of proving nothing.
import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('the test workers run on the Node.js major CI asked for', () => {
    const major = process.versions.node.split('.')[0];
    console.log(`vitest worker: node ${process.version} (${process.execPath})`);
    expect(Number(major)).toBeGreaterThanOrEqual(20);
    const expected = process.env.EXPECT_NODE_MAJOR;
    if (expected !== undefined && expected !== '') expect(major).toBe(expected);
  });
});
