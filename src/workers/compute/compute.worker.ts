/// <reference lib="webworker" />
/** Compute worker: the compute API (api.ts) over typed RPC. */
import { expose } from '../rpc.ts';
import { computeApi } from './api.ts';

export type { ComputeApi, CompareJob, CompareResult, EvaluateJob } from './api.ts';
expose(computeApi);
