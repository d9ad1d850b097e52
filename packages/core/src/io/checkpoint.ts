/** Saving and loading a model's weights and an optimizer's state in one safetensors file. */
import { ValueError } from '../errors.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor.js';
import type { Optimizer } from '../train/optimizer.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';

/** Serializes `model` (names prefixed `model.`) and optionally `optimizer` (`optimizer.`). */
export async function saveCheckpoint(
  model: Module,
  optimizer?: Optimizer,
  metadata: Record<string, string> = {},
): Promise<Uint8Array> {
  const all = new Map<string, Tensor>();
  for (const [k, v] of model.stateDict()) all.set(`model.${k}`, v);
  if (optimizer) for (const [k, v] of optimizer.stateDict()) all.set(`optimizer.${k}`, v);
  return saveSafetensors(all, { format: 'backprop-checkpoint-1', ...metadata });
}

/** Restores what `saveCheckpoint` wrote; returns the metadata. Model shapes must match. */
export function loadCheckpoint(bytes: Uint8Array, model: Module, optimizer?: Optimizer): Record<string, string> {
  const { tensors, metadata } = loadSafetensors(bytes);
  const modelState = new Map<string, Tensor>();
  const optimizerState = new Map<string, Tensor>();
  for (const [k, v] of tensors) {
    if (k.startsWith('model.')) modelState.set(k.slice(6), v);
    else if (k.startsWith('optimizer.')) optimizerState.set(k.slice(10), v);
    else throw new ValueError(`loadCheckpoint: unexpected entry "${k}"`);
  }
  try {
    model.loadStateDict(modelState);
    if (optimizer) optimizer.loadStateDict(optimizerState);
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
  return metadata;
}
