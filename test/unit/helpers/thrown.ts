/** The message of the error `fn` throws, which must be a `kind`; fails the test when nothing is thrown. */
import * as assert from 'uvu/assert';

export function thrownMessage(fn: () => unknown, kind: abstract new (...args: never[]) => Error): string {
  try {
    fn();
  } catch (error) {
    assert.instance(error, kind);
    return (error as Error).message;
  }
  assert.unreachable(`expected a ${kind.name}`);
  return '';
}
