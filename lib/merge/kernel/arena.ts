/** A bump allocator over the kernel's shared memory; everything lives for one merge, so nothing is freed. */
export class Arena {
  private next: number;

  constructor(
    readonly capacity: number,
    start = 1024, // keep address 0 (and a little more) unused, so a zero pointer is always a bug
  ) {
    this.next = start;
  }

  alloc(bytes: number, align = 64): number {
    const at = Math.ceil(this.next / align) * align;
    if (at + bytes > this.capacity) throw new Error(`kernel arena exhausted: ${at + bytes} > ${this.capacity}`);
    this.next = at + bytes;
    return at;
  }

  get used(): number {
    return this.next;
  }
}
