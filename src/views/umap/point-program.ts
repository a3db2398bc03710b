/**
 * The point shader program in the shared WebGL2 context, and each layer's GPU side: one draw call
 * for all of a panel's points. Positions (data units), colour codes and selection flags live in GPU
 * buffers, uploaded only when they changed; pan/zoom only changes one uniform (an affine map data →
 * clip space), so a frame allocates nothing.
 */
import { PALETTE, type DrawRequest, type PointLayer } from './gl-renderer.ts';

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

export interface LayerBuffers {
  vao: WebGLVertexArrayObject;
  pos: WebGLBuffer;
  code: WebGLBuffer;
  flag: WebGLBuffer;
  index: WebGLBuffer;
  palette: WebGLTexture;
}

export class PointProgram {
  private readonly program: WebGLProgram;
  private readonly uXform: WebGLUniformLocation;
  private readonly uSize: WebGLUniformLocation;
  private readonly uDim: WebGLUniformLocation;

  constructor(private readonly gl: WebGL2RenderingContext) {
    const program = gl.createProgram()!;
    gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, FRAGMENT));
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`WebGL program: ${gl.getProgramInfoLog(program)}`);
    this.program = program;
    this.uXform = gl.getUniformLocation(program, 'u_xform')!;
    this.uSize = gl.getUniformLocation(program, 'u_size')!;
    this.uDim = gl.getUniformLocation(program, 'u_dimOthers')!;
  }

  createLayerGl(): LayerBuffers {
    const gl = this.gl;
    const g: LayerBuffers = {
      vao: gl.createVertexArray()!,
      pos: gl.createBuffer()!,
      code: gl.createBuffer()!,
      flag: gl.createBuffer()!,
      index: gl.createBuffer()!,
      palette: gl.createTexture()!,
    };
    gl.bindVertexArray(g.vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, g.pos);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, g.code);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribPointer(1, 1, gl.UNSIGNED_BYTE, false, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, g.flag);
    gl.enableVertexAttribArray(2);
    gl.vertexAttribPointer(2, 1, gl.UNSIGNED_BYTE, false, 0, 0);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, g.index);
    gl.bindVertexArray(null);
    gl.bindTexture(gl.TEXTURE_2D, g.palette);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, PALETTE, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
    return g;
  }

  /** Uploads what changed since the layer's last draw (positions once per layout). */
  upload(g: LayerBuffers, layer: PointLayer): void {
    const gl = this.gl;
    const d = layer.dirty;
    const buffer = (target: WebGLBuffer, data: Float32Array | Uint8Array, usage: number) => {
      gl.bindBuffer(gl.ARRAY_BUFFER, target);
      gl.bufferData(gl.ARRAY_BUFFER, data, usage);
    };
    if (d.pos) buffer(g.pos, layer.positions, gl.STATIC_DRAW);
    if (d.code) buffer(g.code, layer.codes, gl.STATIC_DRAW);
    if (d.flag) buffer(g.flag, layer.flags, gl.DYNAMIC_DRAW);
    if (d.index && layer.drawn) {
      gl.bindVertexArray(g.vao);
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, g.index);
      gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, layer.drawn, gl.DYNAMIC_DRAW);
      gl.bindVertexArray(null);
    }
    if (d.palette) {
      gl.bindTexture(gl.TEXTURE_2D, g.palette);
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, PALETTE, 1, gl.RGBA, gl.UNSIGNED_BYTE, layer.palette);
    }
    layer.dirty = { pos: false, code: false, flag: false, index: false, palette: false };
  }

  /** Draws every point of the layer (or its `drawn` rows) with the request's map and size. */
  draw(g: LayerBuffers, layer: PointLayer, req: DrawRequest): void {
    if (layer.count === 0) return;
    const gl = this.gl;
    const t = req.xform;
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.useProgram(this.program);
    gl.uniform4f(this.uXform, t[0], t[1], t[2], t[3]);
    gl.uniform1f(this.uSize, req.sizePx);
    gl.uniform1f(this.uDim, layer.dimOthers ? 1 : 0);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, g.palette);
    gl.bindVertexArray(g.vao);
    if (layer.drawn) gl.drawElements(gl.POINTS, layer.drawn.length, gl.UNSIGNED_INT, 0);
    else gl.drawArrays(gl.POINTS, 0, layer.count);
    gl.bindVertexArray(null);
  }
}
