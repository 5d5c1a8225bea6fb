import * as assert from 'node:assert/strict';
import { Deadline, TimeUp } from '../../src/core/common/deadline';
import { hoverSignature, isImportLine } from '../../src/core/common/hoverSignature';
import { HeldClock } from './support-core/heldClock';

/** A provider that answers only when released. */
function slowAnswer<T>(): { promise: Promise<T>; answer: (value: T) => void } {
  let answer!: (value: T) => void;
  const promise = new Promise<T>((resolve) => { answer = resolve; });
  return { promise, answer };
}

async function outcome<T>(step: Promise<T>): Promise<T | 'time up'> {
  return step.catch((thrown: unknown) => {
    if (thrown instanceof TimeUp) return 'time up' as const;
    throw thrown;
  });
}

describe('context: the time limit of gathering', () => {
  it('a step that answers in time gives its answer', async () => {
    const clock = new HeldClock();
    const deadline = new Deadline(300, clock);
    clock.time = 120;
    assert.equal(await deadline.step(() => Promise.resolve('Cart')), 'Cart');
    assert.equal(deadline.passed, false);
  });

  it('the timer ends a step still pending: the slow provider is not waited for', async () => {
    const clock = new HeldClock();
    const deadline = new Deadline(300, clock);
    const slow = slowAnswer<string>();
    const step = outcome(deadline.step(() => slow.promise));
    clock.time = 300;
    clock.fire();
    assert.equal(await step, 'time up', 'returns at the timer, the provider still silent');
    slow.answer('discount');
  });

  it('a timer that fires late does not stretch the limit: a step begun or answered after it is dropped', async () => {
    const clock = new HeldClock();
    const deadline = new Deadline(300, clock);
    const slow = slowAnswer<string>();
    const pending = outcome(deadline.step(() => slow.promise));
    // The host was busy: the clock passed the limit, the timer has not fired.
    clock.time = 520;
    slow.answer('discount');
    assert.equal(await pending, 'time up', 'an answer after the limit is not kept');
    let started = false;
    assert.equal(await outcome(deadline.step(() => { started = true; return 'symbols'; })), 'time up');
    assert.equal(started, false, 'no step is begun after the limit');
    assert.equal(deadline.passed, true);
  });

  it('once the timer fired, nothing more is begun even if the clock reads earlier', async () => {
    const clock = new HeldClock();
    const deadline = new Deadline(300, clock);
    clock.time = 300;
    clock.fire();
    clock.time = 299;
    let started = false;
    assert.equal(await outcome(deadline.step(() => { started = true; })), 'time up');
    assert.equal(started, false);
  });

  it('gathering made of parallel lookups returns by the limit with what was found, while a slow provider is still working', async () => {
    const clock = new HeldClock();
    const deadline = new Deadline(300, clock);
    const found: string[] = [];
    const slow = slowAnswer<string>();
    let symbolsAskedLate = false;
    // Two names looked up at once: `Cart` answers at 40 ms, `discount`'s provider only much later.
    const follow = async (lookup: () => Promise<string>) => {
      const definition = await deadline.step(lookup);
      await deadline.step(() => { if (clock.time >= 300) symbolsAskedLate = true; return 'symbols'; });
      found.push(definition);
    };
    const gathering = outcome(deadline.step(() => Promise.all([
      follow(async () => { clock.time = 40; return 'Cart'; }).catch(() => undefined),
      follow(() => slow.promise).catch(() => undefined),
    ])));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(found, ['Cart']);
    clock.time = 300;
    clock.fire();
    assert.equal(await gathering, 'time up');
    assert.deepEqual(found, ['Cart'], 'what was found by the limit');
    slow.answer('discount');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(found, ['Cart'], 'a late answer is not added');
    assert.equal(symbolsAskedLate, false, 'and leads to no further lookup');
  });

  it('stops its timer when disposed', () => {
    const clock = new HeldClock();
    const deadline = new Deadline(300, clock);
    deadline.dispose();
    clock.time = 300;
    clock.fire();
    assert.equal(deadline.passed, true, 'the clock still says the limit passed');
    const fresh = new Deadline(300, clock);
    fresh.dispose();
    clock.time = 700;
    clock.fire();
    clock.time = 400;
    assert.equal(fresh.passed, false, 'a disposed timer did not fire');
  });
});

describe('context: the hover as a signature', () => {
  it('keeps a signature from a code block or a fenced Markdown block', () => {
    assert.deepEqual(hoverSignature([{ code: 'function discount(total: number, coupon?: string): number' }]),
      { kind: 'signature', code: 'function discount(total: number, coupon?: string): number' });
    assert.deepEqual(hoverSignature([{ markdown: 'Some prose.\n\n```python\ndef greet(name: str) -> str\n```\n\nMore prose.' }]),
      { kind: 'signature', code: 'def greet(name: str) -> str' });
  });

  it('sends no hover that is a loading placeholder: TypeScript\'s "(loading...)", in any display language', () => {
    assert.deepEqual(hoverSignature([{ markdown: '```typescript\n(loading...) import Cart\n```' }]), { kind: 'placeholder' });
    assert.deepEqual(hoverSignature([{ code: '(loading...) const total: number' }]), { kind: 'placeholder' });
    assert.deepEqual(hoverSignature([{ code: '(Wird geladen…) import Cart' }]), { kind: 'placeholder' });
  });

  it('sends no hover that only restates an import; keeps the signature beside one', () => {
    for (const line of ['import Cart', '(alias) import Cart', 'import Cart = require("./model")', 'from shop.model import Cart', 'use crate::model::Cart;', 'using Shop.Model;', '#include "cart.h"']) {
      assert.deepEqual(hoverSignature([{ code: line }]), { kind: 'placeholder' }, line);
      assert.ok(isImportLine(line), line);
    }
    assert.deepEqual(hoverSignature([{ code: '(alias) interface Cart\nimport Cart' }]), { kind: 'signature', code: '(alias) interface Cart' });
    for (const line of ['importance: number', 'function importData(): void', 'def from_import(x)', 'user: User']) assert.equal(isImportLine(line), false, line);
  });

  it('a hover without code says nothing', () => {
    assert.deepEqual(hoverSignature([]), { kind: 'none' });
    assert.deepEqual(hoverSignature([{ markdown: 'Only prose here.' }]), { kind: 'none' });
  });
});
