/** `audiosae features ...` (top clips of a feature, the feature table) and `audiosae labels ...` (export, import). */
import { readFileSync, writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { FEATURE_FILTERS, FEATURE_SORTS, LABEL_EXPORT_FORMATS, type FeatureFilter, type FeatureSort, type LabelExportFormat } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import { nonNegativeInt, positiveInt, type CliContext } from './cli-common.js';

function oneOf<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`Expected one of: ${allowed.join(', ')}.`);
    return value as T;
  };
}

const fmt = (n: number): string => (n === 0 ? '0' : Math.abs(n) < 1e-3 ? n.toExponential(2) : n.toPrecision(3));

export function registerFeatureCommands(program: Command, context: CliContext): void {
  const features = program.command('features').description("browse an analysed SAE's features");
  features
    .command('top')
    .description('the clips a feature fires on most (with enrichment of their dataset labels and decoder neighbours)')
    .argument('<saeId>', 'SAE id (see: audiosae sae list)', positiveInt)
    .argument('<feature>', 'feature index', nonNegativeInt)
    .action((saeId: number, feature: number) =>
      context.withEngine(async ({ client }) => {
        const d = await client.call('features.get', { saeId, feature });
        context.print(d, () =>
          [
            `Feature ${feature} of SAE ${saeId}: density ${fmt(d.density)}, max ${fmt(d.maxActivation)}${d.label?.label ? `, label "${d.label.label}"` : ''}${d.suggestedLabel ? `, suggested ${d.suggestedLabel}` : ''}`,
            ...(d.top.length === 0 ? ['  (no top clips: the feature never fired on the analysed run)'] : d.top.map((e) => `  ${e.rank + 1}.\t${fmt(e.value)}\t${e.timeSec.toFixed(2)} s\t${e.relativePath}`)),
            ...(d.enrichment.length ? [`Enriched labels: ${d.enrichment.slice(0, 5).map((r) => `${r.label} ${r.count}/${r.of}`).join(', ')}`] : []),
            ...(d.neighbours.length ? [`Neighbours: ${d.neighbours.slice(0, 5).map((n) => `${n.feature} (${n.cosine.toFixed(2)})`).join(', ')}`] : []),
          ].join('\n'),
        );
      }),
    );
  features
    .command('list')
    .description("an SAE's features with density, max activation and labels")
    .argument('<saeId>', 'SAE id (see: audiosae sae list)', positiveInt)
    .option('--sort <sort>', `one of: ${FEATURE_SORTS.join(', ')}`, oneOf(FEATURE_SORTS), 'feature' as FeatureSort)
    .option('--filter <filter>', `one of: ${FEATURE_FILTERS.join(', ')}`, oneOf(FEATURE_FILTERS), 'all' as FeatureFilter)
    .option('--search <text>', 'full-text search over labels, notes and tags')
    .option('--limit <n>', 'rows to show', positiveInt, 50)
    .option('--offset <n>', 'rows to skip', nonNegativeInt, 0)
    .action((saeId: number, o: { sort: FeatureSort; filter: FeatureFilter; search?: string; limit: number; offset: number }) =>
      context.withEngine(async ({ client }) => {
        const page = await client.call('features.list', { saeId, sort: o.sort, filter: o.filter, limit: o.limit, offset: o.offset, ...(o.search ? { search: o.search } : {}) });
        context.print(page, () =>
          [
            `${page.total} features${page.total > page.rows.length ? ` (showing ${page.offset + 1}-${page.offset + page.rows.length})` : ''}`,
            ...page.rows.map((r) => `${r.feature}\t${fmt(r.density)}\t${fmt(r.maxActivation)}\t${r.label?.label ?? ''}${r.label?.unclear ? ' (unclear)' : ''}\t${r.suggestedLabel ?? ''}`),
          ].join('\n'),
        );
      }),
    );

  const labels = program.command('labels').description('export and import feature labels');
  labels
    .command('export')
    .description("write an SAE's labels as CSV, JSON or Neuronpedia-style explanations (stdout, or --out)")
    .argument('<saeId>', 'SAE id (see: audiosae sae list)', positiveInt)
    .option('--format <format>', `one of: ${LABEL_EXPORT_FORMATS.join(', ')}`, oneOf(LABEL_EXPORT_FORMATS), 'csv' as LabelExportFormat)
    .option('--out <file>', 'file to write (default: print)')
    .action((saeId: number, o: { format: LabelExportFormat; out?: string }) =>
      context.withEngine(async ({ client }) => {
        const exported = await client.call('labels.export', { saeId, format: o.format });
        if (o.out === undefined) {
          process.stdout.write(exported.text);
          return;
        }
        const path = resolve(o.out);
        writeFileSync(path, exported.text);
        context.print({ file: path, count: exported.count }, () => `${exported.count} labels of SAE ${saeId} written to ${path}`);
      }),
    );
  labels
    .command('import')
    .description('read labels from a CSV or JSON export into an SAE')
    .argument('<saeId>', 'SAE id (see: audiosae sae list)', positiveInt)
    .argument('<file>', 'a .csv or .json labels file')
    .option('--format <format>', 'csv or json (default: from the file extension)', oneOf(['csv', 'json'] as const))
    .option('--replace', "also remove the SAE's labels the file does not mention")
    .action((saeId: number, file: string, o: { format?: 'csv' | 'json'; replace?: boolean }) =>
      context.withEngine(async ({ client }) => {
        const path = resolve(file);
        const format = o.format ?? (extname(path).toLowerCase() === '.json' ? 'json' : extname(path).toLowerCase() === '.csv' ? 'csv' : undefined);
        if (format === undefined) throw new AppError('invalid_params', `Cannot tell the format of ${path} from its extension; pass --format csv or --format json.`);
        let text: string;
        try {
          text = readFileSync(path, 'utf8');
        } catch (error) {
          throw new AppError('not_found', `Cannot read ${path}: ${(error as Error).message}`);
        }
        const result = await client.call('labels.import', { saeId, format, text, mode: o.replace ? 'replace' : 'merge' });
        context.print(result, () =>
          [`${result.imported} labels imported, ${result.unchanged} unchanged${result.errors.length ? `, ${result.errors.length} rows skipped:` : ''}`, ...result.errors.map((e) => `  ${e}`)].join('\n'),
        );
        if (result.errors.length > 0) process.exitCode = 1;
      }),
    );
}
