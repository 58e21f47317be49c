import { describe, expect, it } from 'vitest';
import * as browser from '../src/browser.js';
import * as node from '../src/index.js';

describe('the browser entry point', () => {
  it('offers the same names as the Node entry point', () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
  });

  it('explains that files need Node.js, and serializes to bytes instead', () => {
    expect(() => browser.save({}, 'model.safetensors')).toThrow(
      /save: writing 'model.safetensors' needs Node.js.*serialize/,
    );
    expect(() => browser.load('model.safetensors')).toThrow(
      /load: reading 'model.safetensors' needs Node.js.*deserialize/,
    );
    const conv = new browser.Conv2d(1, 2, 3);
    const restored = browser.deserialize(browser.serialize(conv.stateDict()));
    expect(Object.keys(restored).sort()).toEqual(['bias', 'weight']);
  });
});
