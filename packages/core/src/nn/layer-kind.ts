/** The name a layer goes by in summaries and errors: its class, or an activation's own name. */
import { Lambda } from './activation-layers.js';
import type { Module } from './module.js';

/** `Dense`, `BatchNorm1d`, …; an activation layer (`Lambda`) by its kind (`relu`, `tanh`, …). */
export function layerKind(layer: Module): string {
  return layer instanceof Lambda ? layer.kind : layer.constructor.name;
}
