// Where a generated shot is taken from, by kind: dunks, tips and layups at the rim, hooks and
// floaters in the paint, two-point jumpers inside the arc, threes beyond it, heaves from the back
// court. The result is integer court coordinates (see courtZones.ts).
import type { SeededRandom } from '../seededRandom.ts';
import { isThreePointLocation } from './courtZones.ts';

export type ShotKind = 'alleyOop' | 'fingerRoll' | 'dunk' | 'tip' | 'hook' | 'layup' | 'jumper';

export interface CourtPoint {
  x: number;
  y: number;
}

export interface ShotIntent {
  kind: ShotKind;
  isThree: boolean;
  /** A last-second try from beyond half court. */
  heave: boolean;
}

const RIM_REACH: Partial<Record<ShotKind, number>> = {
  dunk: 18,
  alleyOop: 18,
  tip: 22,
  layup: 38,
  fingerRoll: 36,
};

export function shotLocation(random: SeededRandom, intent: ShotIntent): CourtPoint {
  if (intent.heave) return { x: random.int(-200, 200), y: random.int(430, 700) };
  if (intent.isThree) return threePointer(random);
  const reach = RIM_REACH[intent.kind];
  if (reach !== undefined) {
    // Most rim attempts are within a few feet; squaring the draw keeps them close.
    return polar(random.next() ** 2 * reach, random.between(-100, 100));
  }
  if (intent.kind === 'hook') return polar(random.between(42, 120), random.between(-40, 40));
  if (random.chance(0.3)) return polar(random.between(45, 130), random.between(-35, 35));
  return midRangeJumper(random);
}

function threePointer(random: SeededRandom): CourtPoint {
  if (random.chance(0.26)) {
    const x = random.int(221, 238) * (random.chance(0.5) ? -1 : 1);
    return { x, y: random.int(-10, 85) };
  }
  // 239 tenths, not 237.5: rounding each coordinate must not pull the shot back inside the arc.
  const distance = random.chance(0.85) ? random.between(239, 262) : random.between(262, 300);
  return polar(distance, random.between(-72, 72));
}

function midRangeJumper(random: SeededRandom): CourtPoint {
  const angle = random.between(-88, 88);
  let point = polar(random.between(90, 228), angle);
  // Near the corners the arc is closer than 22 ft: step in until the shot is a two.
  for (let distance = 200; isThreePointLocation(point.x, point.y); distance -= 20)
    point = polar(distance, angle);
  return point;
}

function polar(distance: number, angleDegrees: number): CourtPoint {
  const radians = (angleDegrees * Math.PI) / 180;
  return { x: Math.round(distance * Math.sin(radians)), y: Math.round(distance * Math.cos(radians)) };
}
