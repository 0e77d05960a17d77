/** Reading the app's media elements from an e2e test (Node side, without the DOM types). */
import type { Page } from 'playwright-core';

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
