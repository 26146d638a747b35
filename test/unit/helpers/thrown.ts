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

/** The message of the error `promise` rejects with, which must be a `kind`; fails the test when it resolves. */
export async function rejectedMessage(promise: Promise<unknown>, kind: abstract new (...args: never[]) => Error): Promise<string> {
  return promise.then(
    () => assert.unreachable(`expected a ${kind.name}`) as never,
    (error: unknown) => {
      assert.instance(error, kind);
      return (error as Error).message;
    },
  );
}

/** Fails unless `fn` throws an error that passes `check` and whose message matches `pattern`. */
export function throwsWith(fn: () => unknown, check: (e: unknown) => boolean, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.ok(check(error), `wrong error type: ${String(error)}`);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable('expected an error');
}

/** The error `promise` rejects with, of any kind; fails the test when it resolves. */
export async function rejects(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => assert.unreachable('expected a rejection') as never,
    (error: unknown) => error as Error,
  );
}

/** The error `action` throws, of any kind; fails the test when nothing is thrown. */
export function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  assert.unreachable('expected an error');
  return new Error('unreachable');
}
