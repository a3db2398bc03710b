/// <reference lib="webworker" />
/**
 * Export worker: builds the TF Projector bundle (sprite PNG encoding included), the .npy files and
 * the whitening files with src/data/export, and zips them, off the page's thread. Each call returns
 * one zip whose buffer is transferred back.
 */
import type { Whitening } from '../../compute/types.ts';
import { writeNpy } from '../../data/npy.ts';
import { uniqueFileNames } from '../../data/export/names.ts';
import { buildProjectorBundle, type ProjectorBundleOptions } from '../../data/export/projector-bundle.ts';
import { whiteningFiles, type WhiteningInfo } from '../../data/export/whitening-files.ts';
import type { ExportVariant } from '../../data/export/projector-bundle.ts';
import { zipFiles } from '../../data/export/zip.ts';
import { expose, transfer } from '../rpc.ts';

export type ProjectorJob = Omit<ProjectorBundleOptions, 'onProgress'>;

export interface WhiteningJob {
  whitening: Whitening;
  info: WhiteningInfo;
}

function done(zip: Uint8Array): Uint8Array {
  return transfer(zip, [zip.buffer]);
}

const api = {
  /** projector_config.json/.pbtxt, metadata.tsv, sprite.png, tensors/… as one zip. */
  projectorZip(job: ProjectorJob): Uint8Array {
    return done(zipFiles(buildProjectorBundle(job).files));
  },

  /** `<variant>.npy` (float32) for each variant, as one zip. */
  npyZip(variants: ExportVariant[]): Uint8Array {
    const names = uniqueFileNames(variants.map((v) => v.name));
    const files: Record<string, Uint8Array> = {};
    variants.forEach((v, i) => (files[`${names[i]}.npy`] = writeNpy(v.x)));
    return done(zipFiles(files));
  },

  /** `<variant>/mean.npy, W.npy, eigenvalues.npy, whitening.json` for each whitened variant, as one zip. */
  whiteningZip(jobs: WhiteningJob[]): Uint8Array {
    const names = uniqueFileNames(jobs.map((j) => j.info.variant));
    const files: Record<string, Uint8Array> = {};
    jobs.forEach((j, i) => Object.assign(files, whiteningFiles(j.whitening, j.info, names[i])));
    return done(zipFiles(files));
  },
};

export type ExportApi = typeof api;
expose(api);
