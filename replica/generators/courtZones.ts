// Court geometry of the shot chart: coordinates are tenths of feet from the basket (x across the
// court, negative on the left; y toward half court), as in shotchartdetail LOC_X/LOC_Y. Classifies a
// location into the NBA's zone labels, so zones always agree with x/y and with the three-point flag.

export interface ShotZone {
  basic: string;
  area: string;
  range: string;
  /** Whole feet from the basket, rounded down like SHOT_DISTANCE. */
  distance: number;
}

const RESTRICTED_RADIUS = 40;
const THREE_POINT_RADIUS = 237.5;
const CORNER_THREE_X = 220;
// The straight corner segment runs 14 ft from the baseline; the rim is 5.25 ft in front of it.
const CORNER_THREE_MAX_Y = 87.5;
const LANE_HALF_WIDTH = 80;
const FREE_THROW_LINE_Y = 137.5;
const HALF_COURT_Y = 417.5;
const BACK_COURT_SHOT_FEET = 40;

export function isCornerThree(x: number, y: number): boolean {
  return Math.abs(x) >= CORNER_THREE_X && y <= CORNER_THREE_MAX_Y;
}

export function isThreePointLocation(x: number, y: number): boolean {
  return isCornerThree(x, y) || Math.hypot(x, y) >= THREE_POINT_RADIUS;
}

export function shotZone(x: number, y: number): ShotZone {
  const distance = Math.floor(Math.hypot(x, y) / 10);
  const angle = (Math.atan2(x, y) * 180) / Math.PI;
  const side = (left: string, right: string) => (x < 0 ? left : right);
  if (y >= HALF_COURT_Y) {
    return { basic: 'Backcourt', area: 'Back Court(BC)', range: 'Back Court Shot', distance };
  }
  if (isCornerThree(x, y)) {
    return {
      basic: side('Left Corner 3', 'Right Corner 3'),
      area: side('Left Side(L)', 'Right Side(R)'),
      range: '24+ ft.',
      distance,
    };
  }
  if (isThreePointLocation(x, y)) {
    if (distance >= BACK_COURT_SHOT_FEET) {
      return { basic: 'Above the Break 3', area: 'Back Court(BC)', range: 'Back Court Shot', distance };
    }
    const area = Math.abs(angle) <= 18 ? 'Center(C)' : side('Left Side Center(LC)', 'Right Side Center(RC)');
    return { basic: 'Above the Break 3', area, range: '24+ ft.', distance };
  }
  const range =
    distance < 8 ? 'Less Than 8 ft.' : distance < 16 ? '8-16 ft.' : distance < 24 ? '16-24 ft.' : '24+ ft.';
  if (Math.hypot(x, y) <= RESTRICTED_RADIUS) {
    return { basic: 'Restricted Area', area: 'Center(C)', range, distance };
  }
  if (Math.abs(x) < LANE_HALF_WIDTH && y < FREE_THROW_LINE_Y) {
    const area = Math.abs(angle) <= 30 ? 'Center(C)' : side('Left Side(L)', 'Right Side(R)');
    return { basic: 'In The Paint (Non-RA)', area, range, distance };
  }
  const area =
    Math.abs(angle) <= 20
      ? 'Center(C)'
      : Math.abs(angle) <= 55
        ? side('Left Side Center(LC)', 'Right Side Center(RC)')
        : side('Left Side(L)', 'Right Side(R)');
  return { basic: 'Mid-Range', area, range, distance };
}
