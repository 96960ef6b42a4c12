// How people read a stage: `20%`, or `shadow 10%` for the shadow stage (every user on legacy,
// 10 % of requests copied to target, whose answers are measured and dropped).

export function stageLabel(weight: number, mirror?: number): string {
  return mirror ? `shadow ${mirror}%` : `${weight}%`;
}

/** The mirrored share of stage `index`: only a leading shadow stage has one. */
export function mirrorOf(index: number, shadow: number | undefined): number | undefined {
  return index === 0 && shadow ? shadow : undefined;
}
