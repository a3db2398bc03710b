/** What the app and the CLI need to know about an ONNX encoder; stored next to it as `<id>.card.json`. */
export interface ModelCard {
  id: string;
  name: string;
  modality: 'image' | 'text';
  /** ONNX file name, relative to the card. */
  file: string;
  /** sha256 (hex) of the ONNX file; part of the embedding cache key. */
  sha256: string;
  input: {
    name: string;
    /** Square input side in pixels (images are resized from the corpus size when they differ). */
    size: number;
    channels: 3;
    layout: 'NCHW';
    /** Per-channel mean and std applied to pixel values scaled to [0, 1]. */
    mean: [number, number, number];
    std: [number, number, number];
  };
  output: { name: string; dim: number };
  architecture: string;
  objective: string;
  provenance: string;
  licence: string;
  /** Free-form training facts (epochs, wall time, hardware, loss, seed, commit) for trained models. */
  training?: Record<string, unknown>;
}
