/**
 * WebGL2 point layer: one draw call for all points. Positions (data units), colour codes and
 * selection flags live in GPU buffers, uploaded when they change; pan/zoom only changes one
 * uniform (an affine map data → clip space), so a frame allocates nothing.
 */

const VERTEX = `#version 300 es
layout(location = 0) in vec2 a_pos;
layout(location = 1) in float a_code;
layout(location = 2) in float a_flag;
uniform vec4 u_xform;      // clip = pos * xform.xy + xform.zw
uniform float u_size;      // point diameter in device pixels
uniform float u_dimOthers; // 1 when a selection exists: unselected points fade
uniform sampler2D u_palette;
out vec4 v_color;
void main() {
  gl_Position = vec4(a_pos * u_xform.xy + u_xform.zw, 0.0, 1.0);
  vec4 c = texelFetch(u_palette, ivec2(int(a_code), 0), 0);
  float selected = a_flag;
  float alpha = u_dimOthers > 0.5 ? (selected > 0.5 ? 1.0 : 0.12) : 0.85;
  v_color = vec4(c.rgb, alpha);
  gl_PointSize = u_size * (u_dimOthers > 0.5 && selected > 0.5 ? 1.35 : 1.0);
}`;

const FRAGMENT = `#version 300 es
precision mediump float;
in vec4 v_color;
out vec4 outColor;
void main() {
  vec2 d = gl_PointCoord - 0.5;
  float r = length(d);
  float edge = fwidth(r);
  float a = 1.0 - smoothstep(0.5 - edge, 0.5, r);
  if (a <= 0.0) discard;
  outColor = vec4(v_color.rgb * v_color.a * a, v_color.a * a);
}`;

function compile(gl: WebGL2RenderingContext, type: number, source: string): WebGLShader {
  const shader = gl.createShader(type)!;
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) {
    const log = gl.getShaderInfoLog(shader);
    gl.deleteShader(shader);
    throw new Error(`WebGL shader: ${log}`);
  }
  return shader;
}

/** Palette size in the texture; code c (≥ 0) uses texel 1 + c mod (PALETTE − 1), texel 0 = no label. */
export const PALETTE = 256;

export class PointLayer {
  private readonly gl: WebGL2RenderingContext;
  private readonly program: WebGLProgram;
  private readonly vao: WebGLVertexArrayObject;
  private readonly posBuf: WebGLBuffer;
  private readonly codeBuf: WebGLBuffer;
  private readonly flagBuf: WebGLBuffer;
  private readonly palette: WebGLTexture;
  private readonly uXform: WebGLUniformLocation;
  private readonly uSize: WebGLUniformLocation;
  private readonly uDim: WebGLUniformLocation;
  private count = 0;
  /** Rows drawn when not all are (e.g. items still being placed); null: all of them. */
  private drawn: Uint32Array | null = null;
  private readonly indexBuf: WebGLBuffer;
  private flags = new Uint8Array(0);
  private dimOthers = false;

  constructor(readonly canvas: HTMLCanvasElement) {
    const gl = canvas.getContext('webgl2', { antialias: false, premultipliedAlpha: true, preserveDrawingBuffer: true });
    if (!gl) throw new Error('WebGL2 is not available in this browser');
    this.gl = gl;
    const program = gl.createProgram()!;
    gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, FRAGMENT));
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`WebGL program: ${gl.getProgramInfoLog(program)}`);
    this.program = program;
    this.uXform = gl.getUniformLocation(program, 'u_xform')!;
    this.uSize = gl.getUniformLocation(program, 'u_size')!;
    this.uDim = gl.getUniformLocation(program, 'u_dimOthers')!;
    this.vao = gl.createVertexArray()!;
    this.posBuf = gl.createBuffer()!;
    this.codeBuf = gl.createBuffer()!;
    this.flagBuf = gl.createBuffer()!;
    this.indexBuf = gl.createBuffer()!;
    gl.bindVertexArray(this.vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.posBuf);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.codeBuf);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribPointer(1, 1, gl.UNSIGNED_BYTE, false, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.flagBuf);
    gl.enableVertexAttribArray(2);
    gl.vertexAttribPointer(2, 1, gl.UNSIGNED_BYTE, false, 0, 0);
    gl.bindVertexArray(null);
    this.palette = gl.createTexture()!;
    gl.bindTexture(gl.TEXTURE_2D, this.palette);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, PALETTE, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(PALETTE * 4).fill(128));
  }

  /** Positions in data units (n × 2). Resets colours to "no label" and clears the selection. */
  setPositions(coords: Float32Array): void {
    const gl = this.gl;
    this.count = coords.length >> 1;
    this.drawn = null;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.posBuf);
    gl.bufferData(gl.ARRAY_BUFFER, coords, gl.STATIC_DRAW);
    this.setCodes(null);
    this.flags = new Uint8Array(this.count);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.flagBuf);
    gl.bufferData(gl.ARRAY_BUFFER, this.flags, gl.DYNAMIC_DRAW);
    this.dimOthers = false;
  }

  /** New positions for the same points (e.g. more of them placed); colours and selection stay. */
  updatePositions(coords: Float32Array): void {
    if (coords.length >> 1 !== this.count) return this.setPositions(coords);
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.posBuf);
    gl.bufferSubData(gl.ARRAY_BUFFER, 0, coords);
  }

  /** Draws only these rows (ascending), or every row (null). */
  setDrawn(rows: Uint32Array | null): void {
    this.drawn = rows;
    if (!rows) return;
    const gl = this.gl;
    gl.bindVertexArray(this.vao);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.indexBuf);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, rows, gl.DYNAMIC_DRAW);
    gl.bindVertexArray(null);
  }

  /** Per point palette texel (0 = no label); null: all unlabelled. */
  setCodes(texels: Uint8Array | null): void {
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.codeBuf);
    gl.bufferData(gl.ARRAY_BUFFER, texels && texels.length === this.count ? texels : new Uint8Array(this.count), gl.STATIC_DRAW);
  }

  /** RGBA bytes for the PALETTE texels. */
  setPalette(rgba: Uint8Array): void {
    const gl = this.gl;
    gl.bindTexture(gl.TEXTURE_2D, this.palette);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, PALETTE, 1, gl.RGBA, gl.UNSIGNED_BYTE, rgba);
  }

  /** Marks the selected rows (null: no selection, nothing dimmed). Reuses the flag array. */
  setSelection(rows: Int32Array | null): void {
    const gl = this.gl;
    this.flags.fill(0);
    if (rows) for (const r of rows) if (r >= 0 && r < this.count) this.flags[r] = 1;
    this.dimOthers = rows !== null;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.flagBuf);
    gl.bufferSubData(gl.ARRAY_BUFFER, 0, this.flags);
  }

  /** Draws every point with clip = pos · (ax, ay) + (bx, by). */
  draw(ax: number, ay: number, bx: number, by: number, sizePx: number): void {
    const gl = this.gl;
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (this.count === 0) return;
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.useProgram(this.program);
    gl.uniform4f(this.uXform, ax, ay, bx, by);
    gl.uniform1f(this.uSize, sizePx);
    gl.uniform1f(this.uDim, this.dimOthers ? 1 : 0);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.palette);
    gl.bindVertexArray(this.vao);
    if (this.drawn) gl.drawElements(gl.POINTS, this.drawn.length, gl.UNSIGNED_INT, 0);
    else gl.drawArrays(gl.POINTS, 0, this.count);
    gl.bindVertexArray(null);
  }

  destroy(): void {
    const gl = this.gl;
    gl.deleteBuffer(this.posBuf);
    gl.deleteBuffer(this.codeBuf);
    gl.deleteBuffer(this.flagBuf);
    gl.deleteBuffer(this.indexBuf);
    gl.deleteTexture(this.palette);
    gl.deleteVertexArray(this.vao);
    gl.deleteProgram(this.program);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
