/** The layouts this build imports, in detection order (`generic` matches anything, so last). */
import { commonVoiceLayout } from './commonvoice.js';
import { esc50Layout } from './esc50.js';
import { fsd50kLayout } from './fsd50k.js';
import { genericLayout } from './generic.js';
import { librispeechLayout } from './librispeech.js';
import { musanLayout } from './musan.js';
import { LayoutRegistry } from './registry.js';
import { whamLayout } from './wham.js';

export function defaultLayouts(): LayoutRegistry {
  return new LayoutRegistry()
    .register(esc50Layout)
    .register(fsd50kLayout)
    .register(librispeechLayout)
    .register(musanLayout)
    .register(whamLayout)
    .register(commonVoiceLayout)
    .register(genericLayout);
}

export { LayoutRegistry } from './registry.js';
export type { ClipMetadata, LayoutImporter, LayoutName, LayoutReader } from './types.js';
