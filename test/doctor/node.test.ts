// doctor's Node check reads package.json's engines range; these are the forms engines fields use.
import { describe, expect, it } from 'vitest';
import { nodeCheck, satisfies, supportedNode } from '../../src/core/doctor/node.js';

describe('satisfies', () => {
  it.each([
    ['20.18.1', '^20.18.1 || ^22 || ^24', true],
    ['20.18.0', '^20.18.1 || ^22 || ^24', false],
    ['21.7.0', '^20.18.1 || ^22 || ^24', false],
    ['22.0.0', '^20.18.1 || ^22 || ^24', true],
    ['v24.3.1', '^20.18.1 || ^22 || ^24', true],
    ['18.20.0', '>=20', false],
    ['25.0.0', '>=20', true],
    ['12.0.0', '*', true],
  ])('%s in %s: %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });
});

describe('nodeCheck', () => {
  it("reads package.json's engines and passes the Node running the tests", () => {
    expect(supportedNode()).toMatch(/^\^20/);
    expect(nodeCheck()).toMatchObject({ status: 'ok' });
  });

  it('fails an old Node with how to install a supported one', () => {
    expect(nodeCheck('18.19.0', '^20.18.1 || ^22')).toEqual({
      name: 'node',
      status: 'fail',
      detail: 'Node 18.19.0 is not a supported version (^20.18.1 || ^22)',
      fix: 'install a supported Node (e.g. `nvm install 22`), then run migrate with it',
    });
  });
});
