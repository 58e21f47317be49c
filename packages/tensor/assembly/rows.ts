/** Short row helpers: copies, fills and adds of f32 runs, four lanes at a time. */

/** Copies n floats (no overlap); runs of four or more end with an overlapping vector. */
@inline
export function copyRow(dst: usize, src: usize, n: i32): void {
  if (n >= 4) {
    const last = <usize>(n - 4) << 2;
    for (let o: usize = 0; o < last; o += 16) v128.store(dst + o, v128.load(src + o));
    v128.store(dst + last, v128.load(src + last));
  } else {
    for (let j = 0; j < n; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
  }
}

@inline
export function fillRow(dst: usize, n: i32, value: f32): void {
  if (n >= 4) {
    const v = f32x4.splat(value);
    const last = <usize>(n - 4) << 2;
    for (let o: usize = 0; o < last; o += 16) v128.store(dst + o, v);
    v128.store(dst + last, v);
  } else {
    for (let j = 0; j < n; j++) store<f32>(dst + (<usize>j << 2), value);
  }
}

/** dst[j] += src[j] for j < n. */
@inline
export function addRow(dst: usize, src: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

export function fill(dst: usize, n: i32, value: f32): void {
  fillRow(dst, n, value);
}
