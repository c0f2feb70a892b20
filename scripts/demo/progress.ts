// Progress on the terminal, one line per phase: redrawn in place when the output is a
// TTY, plain lines otherwise (a line when a phase starts and ends, and every few seconds
// for the phases still running). No dependencies.

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const WIDTH = 24;

export class Phase {
  done = 0;
  total: number;
  note = '';
  finished = false;
  /** The plain output has shown its last line. */
  printed = false;
  readonly started = performance.now();
  ended?: number;

  constructor(
    readonly label: string,
    total: number,
    private readonly changed: () => void,
  ) {
    this.total = total;
  }

  tick(n = 1) {
    this.done += n;
    this.changed();
  }

  set(done: number, total = this.total, note = this.note) {
    [this.done, this.total, this.note] = [done, total, note];
    this.changed();
  }

  end(note = this.note) {
    if (this.finished) return;
    this.finished = true;
    this.ended = performance.now();
    this.note = note;
    if (this.total > 0) this.done = Math.max(this.done, this.total);
    this.changed();
  }

  get seconds(): number {
    return ((this.ended ?? performance.now()) - this.started) / 1000;
  }

  line(width = 100): string {
    const ratio = this.total > 0 ? Math.min(1, this.done / this.total) : this.finished ? 1 : 0;
    const filled = Math.round(ratio * WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
    const count =
      this.total > 0 ? `${this.done}/${this.total} ${String(Math.round(ratio * 100)).padStart(3)}%` : '';
    const mark = this.finished ? '✓' : '▸';
    const text = `${mark} ${this.label.padEnd(22)} ${bar} ${count.padEnd(16)} ${this.seconds.toFixed(1).padStart(6)} s  ${this.note}`;
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  }
}

export class Progress {
  private readonly phases: Phase[] = [];
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastPlain = 0;
  private readonly tty: boolean;

  constructor(private readonly out: Output) {
    this.tty = Boolean(out.isTTY);
    this.timer = setInterval(() => this.refresh(), this.tty ? 200 : 5000);
    this.timer.unref();
  }

  phase(label: string, total = 0): Phase {
    const phase = new Phase(label, total, () => this.changed(phase));
    this.phases.push(phase);
    if (!this.tty) this.out.write(`${phase.line(200)}\n`);
    this.changed(phase);
    return phase;
  }

  /** How long each phase took. */
  times(): { label: string; seconds: number }[] {
    return this.phases.map((p) => ({ label: p.label, seconds: Math.round(p.seconds * 10) / 10 }));
  }

  /** A message above the bars. */
  log(text: string) {
    if (this.tty) this.erase();
    this.out.write(`${text}\n`);
    if (this.tty) this.draw();
  }

  stop() {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) {
      this.erase();
      this.draw();
    }
  }

  private changed(phase: Phase) {
    if (!this.tty && phase.finished && !phase.printed) {
      phase.printed = true;
      this.out.write(`${phase.line(200)}\n`);
    }
  }

  private refresh() {
    if (this.tty) {
      this.erase();
      this.draw();
      return;
    }
    const now = performance.now();
    if (now - this.lastPlain < 4900) return;
    this.lastPlain = now;
    for (const p of this.phases) if (!p.finished) this.out.write(`${p.line(200)}\n`);
  }

  private erase() {
    if (this.drawn) this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  private draw() {
    const width = (this.out.columns ?? 120) - 1;
    for (const p of this.phases) this.out.write(`${p.line(width)}\n`);
    this.drawn = this.phases.length;
  }
}
