/**
 * ONNX encoders in an import: `<x>.onnx` with its card — `<x>.card.json` or `<x>.json` next to it
 * (a full card, or the short form of src/encoders/card-short.ts), or a card in the same folder whose
 * `file` names it. Before anything is encoded: the bytes must be an ONNX ModelProto (onnx-inspect),
 * the card's sha256 must be the model's (a short card gets the model's), and the graph's single
 * input / named output must match the card (type, shape, size, dim).
 */
import type { ModelCard } from '../../encoders/card.ts';
import { cardFromShort, isShortCard, safeId } from '../../encoders/card-short.ts';
import { parseCard } from '../../encoders/card-validate.ts';
import { asSessionLike, describeValue, inspectOnnx, type OnnxInfo } from '../../encoders/onnx-inspect.ts';
import { checkModelHash, checkSessionAgainstCard } from '../../encoders/session-check.ts';
import { InputError } from '../errors.ts';
import { decodeUtf8 } from '../table.ts';
import { digestHex } from './hash.ts';
import { dirName, fileName, type Problems, stripExt } from './problems.ts';
import type { ImportedEncoder, ImportReport } from './types.ts';

export async function importEncoders(
  paths: string[],
  read: (p: string) => Promise<Uint8Array>,
  problems: Problems,
  report: ImportReport['files'],
): Promise<ImportedEncoder[]> {
  const models = paths.filter((p) => p.toLowerCase().endsWith('.onnx')).sort();
  const cards = new Map<string, unknown>();
  for (const p of paths) {
    if (p.toLowerCase().endsWith('.onnx')) continue;
    await problems.run(p, async () => {
      const text = decodeUtf8(await read(p), p);
      try {
        cards.set(p, JSON.parse(text));
      } catch (e) {
        throw new InputError(p, `not valid JSON: ${(e as Error).message}`);
      }
    });
  }
  const used = new Set<string>();
  const ids = new Set<string>();
  const out: ImportedEncoder[] = [];
  for (const p of models) {
    const stem = stripExt(p);
    const cardPath =
      [`${stem}.card.json`, `${stem}.json`].find((c) => paths.includes(c)) ??
      [...cards.entries()].find(
        ([c, j]) => dirName(c) === dirName(p) && typeof j === 'object' && j !== null && (j as { file?: unknown }).file === fileName(p),
      )?.[0];
    if (cardPath) used.add(cardPath);
    await problems.run(p, async () => {
      const model = await read(p);
      const info = inspectOnnx(model, p);
      if (!cardPath) {
        throw new InputError(
          p,
          `no model card: add ${fileName(stem)}.card.json, or a short form ${fileName(stem)}.json such as {"input": {"size": 64, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}, "output": {"dim": ${fixedDim(info) ?? 128}}}`,
        );
      }
      if (!cards.has(cardPath)) return; // the card itself failed; its problem is recorded
      const json = cards.get(cardPath);
      const sha256 = await digestHex(model);
      let id = safeId(fileName(stem));
      let card: ModelCard;
      if (isShortCard(json)) {
        for (let k = 2; ids.has(id); k++) id = `${safeId(fileName(stem))}-${k}`;
        card = cardFromShort(json, cardPath, {
          id,
          modelFile: /^[A-Za-z0-9][A-Za-z0-9._-]*\.onnx$/i.test(fileName(p)) ? fileName(p) : `${id}.onnx`,
          sha256,
          inputName: info.inputs.length === 1 ? info.inputs[0].name : undefined,
          outputName: info.outputs[0]?.name,
          outputDim: fixedDim(info),
        });
      } else {
        card = parseCard(json, cardPath);
        await checkModelHash(model, card, p);
        if (ids.has(card.id)) throw new InputError(cardPath, `card id "${card.id}" is used by another imported model`);
      }
      for (const v of [...info.inputs, ...info.outputs]) {
        const j = v.shape?.findIndex((d) => d === 0) ?? -1;
        if (j >= 0)
          throw new InputError(
            p,
            `${info.inputs.includes(v) ? 'input' : 'output'} ${describeValue(v)} has a dimension of 0 (position ${j + 1}); a fixed dimension must be positive`,
          );
      }
      checkSessionAgainstCard(asSessionLike(info), card, p);
      ids.add(card.id);
      out.push({ card, file: p, model });
      report.push({ path: p, kind: `encoder (${card.modality}, ${isShortCard(json) ? 'short card' : 'card'})`, dim: card.output.dim });
      report.push({ path: cardPath, kind: 'model card' });
    });
  }
  for (const c of cards.keys()) {
    if (!used.has(c))
      problems.add(
        new InputError(
          c,
          `model card with no model: ${fileName(stripExt(c.replace(/\.card\.json$/i, '.json')))}.onnx is not among the imported files`,
        ),
        c,
      );
  }
  return out;
}

/** The first output's last dimension when fixed ([batch, dim]). */
function fixedDim(info: OnnxInfo): number | undefined {
  const s = info.outputs[0]?.shape;
  const d = s && s.length === 2 ? s[1] : undefined;
  return typeof d === 'number' && d > 0 ? d : undefined;
}
