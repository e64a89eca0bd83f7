/**
 * A command's output kept within a size: the beginning (where a command says what it runs) and
 * the end (where it says how it went), with the number of bytes left out between them.
 */
export class BoundedOutput {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;

  constructor(
    private readonly headMax = 16 * 1024,
    private readonly tailMax = 112 * 1024,
  ) {}

  add(chunk: Buffer): void {
    let rest = chunk;
    if (this.headBytes < this.headMax) {
      const take = rest.subarray(0, this.headMax - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      rest = rest.subarray(take.length);
    }
    if (rest.length === 0) return;
    this.tail.push(rest);
    this.tailBytes += rest.length;
    if (this.tailBytes > this.tailMax * 2) this.trimTail();
  }

  private trimTail(): void {
    const all = Buffer.concat(this.tail);
    const keep = all.subarray(all.length - this.tailMax);
    this.dropped += all.length - keep.length;
    this.tail = [keep];
    this.tailBytes = keep.length;
  }

  text(): string {
    if (this.tailBytes > this.tailMax) this.trimTail();
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    if (this.dropped === 0) return head + tail;
    return `${head}\n[… ${this.dropped} bytes of output left out …]\n${tail}`;
  }
}
