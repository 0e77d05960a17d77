/** Reading the app's media elements from an e2e test (Node side, without the DOM types). */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

// Structural stand-ins for the DOM types, which the Node-side tests do not load.
export interface AudioLike {
  paused: boolean;
  currentTime: number;
  duration: number;
}
export interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}

/** Polls the clip's audio element (up to 10 s) until it plays and its clock passed 0.2 s; its last state. */
export async function waitForPlayback(page: Page): Promise<AudioLike> {
  const audio = page.getByTestId('clip-audio');
  let state: AudioLike = { paused: true, currentTime: 0, duration: 0 };
  for (let i = 0; i < 100 && (state.paused || state.currentTime <= 0.2); i++) {
    state = await audio.evaluate((el: AudioLike) => ({ paused: el.paused, currentTime: el.currentTime, duration: el.duration }));
    await page.waitForTimeout(100);
  }
  return state;
}

/** Pixels of a canvas that are drawn: not transparent and not near-black (backgrounds). Runs in the page. */
function countInk(canvas: CanvasLike): number {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let count = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && data[i]! + data[i + 1]! + data[i + 2]! > 60) count++;
  return count;
}

/** Polls a canvas (up to `timeoutMs`) until more than `min` pixels are drawn; asserts it and returns the count. */
export async function waitForInk(canvas: Locator, min = 0, timeoutMs = 10_000): Promise<number> {
  let ink = 0;
  const end = Date.now() + timeoutMs;
  for (;;) {
    ink = await canvas.evaluate(countInk);
    if (ink > min || Date.now() > end) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(ink > min, `canvas pixels drawn: ${ink} (wanted more than ${min})`);
  return ink;
}
