/**
 * An <audio> element's playhead, reported to a player store: every animation frame while it plays
 * (timeupdate alone is ~4 Hz) and on pause, end, seek and time updates. An element leaving the
 * page stops playing (a detached <audio> would play on).
 */
import type { Attachment } from 'svelte/attachments';

const REPORTING_EVENTS = ['pause', 'ended', 'seeked', 'timeupdate'] as const;

export function reportsPlayhead(report: (time: number, playing: boolean) => void, options: { reportAtStart?: boolean } = {}): Attachment<HTMLAudioElement> {
  return (audio) => {
    let frame = 0;
    const tell = () => report(audio.currentTime, !audio.paused && !audio.ended);
    const follow = () => {
      cancelAnimationFrame(frame);
      const step = () => {
        tell();
        if (!audio.paused && !audio.ended) frame = requestAnimationFrame(step);
      };
      frame = requestAnimationFrame(step);
    };
    audio.addEventListener('play', follow);
    for (const name of REPORTING_EVENTS) audio.addEventListener(name, tell);
    if (options.reportAtStart) tell();
    return () => {
      cancelAnimationFrame(frame);
      audio.removeEventListener('play', follow);
      for (const name of REPORTING_EVENTS) audio.removeEventListener(name, tell);
      audio.pause();
    };
  };
}
