/**
 * The pages in the left nav, in order. Adding a page: an entry here and its component in
 * pages/components.ts (a Record over PageId, so the compiler asks for it).
 */
export const PAGES = [
  {
    id: 'datasets',
    label: 'Datasets',
    // A stack of disks.
    icon: 'M3 4c0-1.1 2.2-2 5-2s5 .9 5 2v8c0 1.1-2.2 2-5 2s-5-.9-5-2zM3 4c0 1.1 2.2 2 5 2s5-.9 5-2M3 8c0 1.1 2.2 2 5 2s5-.9 5-2',
  },
  {
    id: 'models',
    label: 'Models',
    // A cube.
    icon: 'M8 1.5l5.5 3v7L8 14.5l-5.5-3v-7zM2.5 4.5 8 7.5l5.5-3M8 7.5v7',
  },
  {
    id: 'activations',
    label: 'Activations',
    // A line chart.
    icon: 'M1.5 14h13M1.5 2v12M3.5 11l3-5 3 3 3-6 2 3',
  },
  {
    id: 'training',
    label: 'Training',
    // A sparse grid of latents.
    icon: 'M2 2h3v3H2zM11 2h3v3h-3zM6.5 6.5h3v3h-3zM2 11h3v3H2zM11 11h3v3h-3z',
  },
  {
    id: 'features',
    label: 'Features',
    // A waveform with a marked peak.
    icon: 'M1.5 8h2l1.5-3 2 7 2-10 2 8 1.5-2h2M9 1.5v1',
  },
  {
    id: 'steering',
    label: 'Steering',
    // A slider knob on a track.
    icon: 'M1.5 8h13M5.5 5v6M10.5 3.5v9',
  },
  {
    id: 'live',
    label: 'Live',
    // A microphone.
    icon: 'M8 1.5a2 2 0 0 0-2 2v4a2 2 0 0 0 4 0v-4a2 2 0 0 0-2-2zM4 7.5a4 4 0 0 0 8 0M8 11.5v3M5.5 14.5h5',
  },
  {
    id: 'evaluations',
    label: 'Evaluations',
    // A falling curve against a dashed baseline.
    icon: 'M1.5 14h13M1.5 2v12M3 4.5c2 0 3 6 5.5 6.5s3.5-1 5.5-1.5M3 7.5h1.5M6 7.5h1.5M9 7.5h1.5M12 7.5h1.5',
  },
  {
    id: 'jobs',
    label: 'Jobs',
    // A clock.
    icon: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM8 4.5V8l2.5 1.5',
  },
] as const;

export type PageId = (typeof PAGES)[number]['id'];
export const PAGE_IDS: readonly PageId[] = PAGES.map((page) => page.id);
