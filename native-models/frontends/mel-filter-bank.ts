/**
 * Slaney-style mel filter bank, as librosa.filters.mel(sr, n_fft, n_mels, fmin=0, fmax=sr/2,
 * htk=False, norm='slaney') builds it, which is what Whisper ships in mel_filters.npz and what
 * transformers' WhisperFeatureExtractor recomputes. Computed in float64, returned as float32.
 */

const SLANEY_LINEAR_HZ_PER_MEL = 200 / 3;
const SLANEY_LOG_START_HZ = 1000;
const SLANEY_LOG_START_MEL = SLANEY_LOG_START_HZ / SLANEY_LINEAR_HZ_PER_MEL; // 15
const SLANEY_LOG_STEP = Math.log(6.4) / 27;

export function hertzToSlaneyMel(hz: number): number {
  if (hz < SLANEY_LOG_START_HZ) return hz / SLANEY_LINEAR_HZ_PER_MEL;
  return SLANEY_LOG_START_MEL + Math.log(hz / SLANEY_LOG_START_HZ) / SLANEY_LOG_STEP;
}

export function slaneyMelToHertz(mel: number): number {
  if (mel < SLANEY_LOG_START_MEL) return mel * SLANEY_LINEAR_HZ_PER_MEL;
  return SLANEY_LOG_START_HZ * Math.exp(SLANEY_LOG_STEP * (mel - SLANEY_LOG_START_MEL));
}

/**
 * Returns the filters as a row-major [nMels, nFft/2 + 1] matrix. Each filter is a triangle over
 * FFT-bin frequencies between neighbouring mel band edges, scaled by 2 / (upper - lower edge in Hz)
 * so that every filter has the same area (slaney norm).
 */
export function melFilterBank(nMels: number, nFft: number, sampleRate: number, fMin = 0, fMax = sampleRate / 2): Float32Array {
  return Float32Array.from(melFilterBankFloat64(nMels, nFft, sampleRate, fMin, fMax));
}

/** The same filters in float64, for graphs that compute the spectrogram in double precision. */
export function melFilterBankFloat64(
  nMels: number,
  nFft: number,
  sampleRate: number,
  fMin = 0,
  fMax = sampleRate / 2,
): Float64Array {
  if (!(nMels > 0 && nFft > 0 && sampleRate > 0 && fMin >= 0 && fMax > fMin && fMax <= sampleRate / 2)) {
    throw new RangeError(`melFilterBank: invalid parameters nMels=${nMels} nFft=${nFft} sampleRate=${sampleRate} fMin=${fMin} fMax=${fMax}`);
  }
  const nBins = Math.floor(nFft / 2) + 1;
  const melMin = hertzToSlaneyMel(fMin);
  const melMax = hertzToSlaneyMel(fMax);
  const edgesHz = Array.from({ length: nMels + 2 }, (_, i) => slaneyMelToHertz(melMin + ((melMax - melMin) * i) / (nMels + 1)));
  const filters = new Float64Array(nMels * nBins);
  for (let m = 0; m < nMels; m++) {
    const lower = edgesHz[m]!;
    const center = edgesHz[m + 1]!;
    const upper = edgesHz[m + 2]!;
    const norm = 2 / (upper - lower);
    for (let k = 0; k < nBins; k++) {
      const hz = (k * sampleRate) / nFft;
      const rising = (hz - lower) / (center - lower);
      const falling = (upper - hz) / (upper - center);
      filters[m * nBins + k] = Math.max(0, Math.min(rising, falling)) * norm;
    }
  }
  return filters;
}
