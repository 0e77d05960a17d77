import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeAlignmentText, parseCtm, parseTextGrid, withoutStress } from '../../../../electron/engine/alignments/alignment-formats.js';
import { AlignmentsRepo } from '../../../../electron/engine/alignments/alignments-repo.js';
import { importAlignments } from '../../../../electron/engine/alignments/import-alignments.js';
import { phoneOfFrame } from '../../../../electron/engine/paper-evals/phonemes/phone-frames.js';
import { Store } from '../../../../electron/engine/store/store.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { textGridLong, textGridShort, type WrittenTier } from '../../../helpers/textgrid-writer.js';

const TIERS: WrittenTier[] = [
  { name: 'words', intervals: [{ startSec: 0, endSec: 0.1, label: '' }, { startSec: 0.1, endSec: 0.4, label: 'say "hi"' }] },
  {
    name: 'phones',
    intervals: [
      { startSec: 0, endSec: 0.1, label: '' },
      { startSec: 0.1, endSec: 0.25, label: 'AA1' },
      { startSec: 0.25, endSec: 0.31, label: 'B' },
      { startSec: 0.31, endSec: 0.4, label: 'IY0' },
    ],
  },
];

describe('alignment files', () => {
  test('long and short TextGrids parse to the same tiers; UTF-16 with a BOM decodes; quotes unescape', () => {
    const long = parseTextGrid(textGridLong(TIERS, 0.4), 'a.TextGrid');
    const short = parseTextGrid(textGridShort(TIERS, 0.4), 'a.TextGrid');
    assert.deepEqual(long, TIERS);
    assert.deepEqual(short, TIERS);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(textGridLong(TIERS, 0.4), 'utf16le')]);
    assert.deepEqual(parseTextGrid(decodeAlignmentText(utf16), 'a.TextGrid'), TIERS);
  });

  test('point tiers are skipped; malformed files name the line', () => {
    const withPoints = textGridShort(TIERS, 0.4).replace('<exists>\n2', '<exists>\n3') + '"TextTier"\n"events"\n0\n0.4\n1\n0.2\n"click"\n';
    assert.deepEqual(parseTextGrid(withPoints, 'p.TextGrid').map((t) => t.name), ['words', 'phones']);
    assert.throws(() => parseTextGrid('File type = "ooTextFile"\nObject class = "Pitch"\n', 'x.TextGrid'), /x.TextGrid line 2: the object class is not "TextGrid"/);
    const cut = textGridLong(TIERS, 0.4).split('\n').slice(0, 20).join('\n');
    assert.throws(() => parseTextGrid(cut, 'cut.TextGrid'), /cut.TextGrid line \d+: expected .* found the end of the file/);
  });

  test('CTM lines group by utterance; a bad line is refused with its number; stress digits strip', () => {
    const ctm = parseCtm(';; comment\nutt1 1 0.10 0.15 AA1 0.9\nutt1 1 0.25 0.06 B\nutt2 A 0 0.2 IY0\n', 'a.ctm');
    assert.deepEqual([...ctm.keys()], ['utt1', 'utt2']);
    assert.deepEqual(ctm.get('utt1')![0], { startSec: 0.1, endSec: 0.25, label: 'AA1' });
    assert.throws(() => parseCtm('utt1 1 0.1 AA1\n', 'b.ctm'), /b.ctm line 1: expected "<utterance> <channel>/);
    assert.deepEqual(['AA1', 'IY0', 'B', 'sil', 'ER2'].map(withoutStress), ['AA', 'IY', 'B', 'sil', 'ER']);
  });

  test('a TextGrid maps to the expected frames at 50 Hz (the frame centre picks the phone; silence is left out)', () => {
    const phones = TIERS[1]!.intervals.filter((i) => i.label !== '').map((i) => ({ ...i, label: withoutStress(i.label) }));
    const labels = Array.from({ length: 22 }, (_, f) => phoneOfFrame(phones, f / 50, 50) ?? '-');
    assert.deepEqual(labels.join(' '), '- - - - - AA AA AA AA AA AA AA B B B IY IY IY IY IY - -');
    assert.equal(phoneOfFrame([{ startSec: 0, endSec: 1, label: 'sil' }], 0.5, 50), undefined, 'MFA silence labels count as silence');
  });
});

describe('importing alignments', () => {
  test('files match clips by relative path or name; unmatched and unreadable files are reported; re-import replaces', () => {
    const dir = makeTempDir('audiosae-align-');
    const store = Store.open(join(dir.path, 'data'));
    try {
      const datasetId = store.datasets.createWithClips('speech', join(dir.path, 'audio'), null, ['spk1/utt1.wav', 'spk2/utt2.flac', 'spk3/utt3.wav'].map((relativePath, i) => ({ path: join(dir.path, 'audio', relativePath), relativePath, sha256: `s${i}`, durationSec: 1, sampleRate: 16000, channels: 1, labels: {}, transcript: null })));
      const folder = join(dir.path, 'aligned');
      mkdirSync(join(folder, 'spk1'), { recursive: true });
      mkdirSync(join(folder, 'elsewhere'), { recursive: true });
      writeFileSync(join(folder, 'spk1', 'utt1.TextGrid'), textGridLong(TIERS, 0.4));
      writeFileSync(join(folder, 'elsewhere', 'utt2.TextGrid'), textGridShort(TIERS, 0.4));
      writeFileSync(join(folder, 'spk1', 'nobody.TextGrid'), textGridShort(TIERS, 0.4));
      writeFileSync(join(folder, 'spk1', 'broken.TextGrid'), 'File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = oops\n');
      const r = importAlignments(store.db, { datasetId, path: folder, format: 'auto', stripStress: true });
      assert.equal(r.files, 3);
      assert.equal(r.clips, 2);
      assert.deepEqual(r.tiers, ['phones', 'words']);
      assert.equal(r.intervals, 2 * (1 + 3), 'empty (silence) intervals are not stored');
      assert.deepEqual(r.unmatched, [join('spk1', 'nobody.TextGrid')]);
      assert.equal(r.errors.length, 1);
      assert.match(r.errors[0]!.message, /broken.TextGrid line \d+: expected xmin/);
      const repo = new AlignmentsRepo(store.db);
      assert.deepEqual(repo.summary(datasetId), [
        { tier: 'phones', clips: 2, intervals: 6, labels: 3 },
        { tier: 'words', clips: 2, intervals: 2, labels: 1 },
      ]);
      const labels = store.db.prepare("SELECT DISTINCT label FROM clip_alignments WHERE tier = 'phones' ORDER BY label").all() as { label: string }[];
      assert.deepEqual(labels.map((l) => l.label), ['AA', 'B', 'IY'], 'stress digits stripped');
      writeFileSync(join(dir.path, 'one.ctm'), 'utt1 1 0 0.5 IY1\nutt3 1 0 0.2 AA\n');
      const again = importAlignments(store.db, { datasetId, path: join(dir.path, 'one.ctm'), format: 'auto', stripStress: false });
      assert.equal(again.clips, 2);
      const utt1 = store.db.prepare("SELECT label FROM clip_alignments WHERE tier = 'phones' AND clip_id = (SELECT id FROM clips WHERE relative_path = 'spk1/utt1.wav')").all() as { label: string }[];
      assert.deepEqual(utt1.map((l) => l.label), ['IY1'], "the clip's tier was replaced, stress kept");
      assert.throws(() => importAlignments(store.db, { datasetId, path: join(dir.path, 'nothing-here'), format: 'auto', stripStress: true }), /No alignment file or folder at/);
    } finally {
      store.dispose();
      dir.cleanup();
    }
  });
});
