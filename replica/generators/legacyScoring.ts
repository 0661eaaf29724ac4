// What the course of a game says beyond the box lines, read from legacyGameFlow for the box score:
// each team's points per period, biggest lead and scoring run, time in front, points on the break,
// in the paint, on second chances and after turnovers, team rebounds, offensive fouls and timeouts;
// the game's lead changes and ties; each player's fouls drawn, shots blocked and flagged points.
import type { GameSide } from '../skeleton.ts';
import type { FlowAction, LegacyGameFlow } from './legacyGameFlow.ts';

export interface FlaggedPoints {
  fastBreak: number;
  paint: number;
  secondChance: number;
}

export interface PlayerScoring {
  points: FlaggedPoints;
  foulsDrawn: number;
  foulsOffensive: number;
  blocksReceived: number;
}

/** Field goals tried and made in one situation (on the break, in the paint, on a second chance). */
export interface Tries {
  attempted: number;
  made: number;
}

export interface TeamScoring {
  /** Points in each period, first period first. */
  periods: number[];
  biggestLead: number;
  /** "away-home" when the lead was biggest, as upstream writes it. */
  biggestLeadScore: string;
  biggestScoringRun: number;
  biggestScoringRunScore: string;
  secondsLeading: number;
  points: FlaggedPoints & { fromTurnovers: number };
  fastBreak: Tries;
  paint: Tries;
  secondChance: Tries;
  teamReboundsOffensive: number;
  teamReboundsDefensive: number;
  foulsOffensive: number;
  timeouts: number;
}

export interface GameScoring {
  /** Home, then away. */
  sides: [TeamScoring, TeamScoring];
  leadChanges: number;
  timesTied: number;
  players: ReadonlyMap<number, PlayerScoring>;
}

const emptyTeam = (periods: number): TeamScoring => ({
  periods: Array.from({ length: periods }, () => 0),
  biggestLead: 0,
  biggestLeadScore: '0-0',
  biggestScoringRun: 0,
  biggestScoringRunScore: '0-0',
  secondsLeading: 0,
  points: { fastBreak: 0, paint: 0, secondChance: 0, fromTurnovers: 0 },
  fastBreak: { attempted: 0, made: 0 },
  paint: { attempted: 0, made: 0 },
  secondChance: { attempted: 0, made: 0 },
  teamReboundsOffensive: 0,
  teamReboundsDefensive: 0,
  foulsOffensive: 0,
  timeouts: 0,
});

export function gameScoring(flow: LegacyGameFlow, home: GameSide, periods: number): GameScoring {
  const sides: [TeamScoring, TeamScoring] = [emptyTeam(periods), emptyTeam(periods)];
  const players = new Map<number, PlayerScoring>();
  const player = (personId: number) => {
    let counts = players.get(personId);
    if (!counts) {
      counts = {
        points: { fastBreak: 0, paint: 0, secondChance: 0 },
        foulsDrawn: 0,
        foulsOffensive: 0,
        blocksReceived: 0,
      };
      players.set(personId, counts);
    }
    return counts;
  };
  const margin = new MarginTracker();
  let previous: FlowAction | undefined;
  for (const action of flow.actions) {
    if (previous) margin.hold(sides, action.elapsed - previous.elapsed);
    previous = action;
    if (action.side === null) continue;
    const sideIndex = action.side === home ? 0 : 1;
    const team = sides[sideIndex];
    switch (action.kind) {
      case 'shot': {
        const scored = action.made ? (action.isThree ? 3 : 2) : 0;
        const counts = player(action.personId);
        const flags = [
          [action.fastBreak, team.fastBreak, 'fastBreak'],
          [action.paint, team.paint, 'paint'],
          [action.secondChance, team.secondChance, 'secondChance'],
        ] as const;
        for (const [flagged, tries, key] of flags) {
          if (!flagged) continue;
          tries.attempted += 1;
          tries.made += action.made ? 1 : 0;
          team.points[key] += scored;
          counts.points[key] += scored;
        }
        if (action.fromTurnover) team.points.fromTurnovers += scored;
        if (action.blockId) player(action.personId).blocksReceived += 1;
        if (scored > 0) margin.score(sides, sideIndex, action.period, scored);
        break;
      }
      case 'freethrow':
        if (!action.made) break;
        if (action.secondChance) {
          team.points.secondChance += 1;
          player(action.personId).points.secondChance += 1;
        }
        if (action.fromTurnover) team.points.fromTurnovers += 1;
        margin.score(sides, sideIndex, action.period, 1);
        break;
      case 'rebound':
        if (action.personId !== 0) break;
        if (action.offensive) team.teamReboundsOffensive += 1;
        else team.teamReboundsDefensive += 1;
        break;
      case 'foul':
        player(action.drawnId).foulsDrawn += 1;
        if (action.subType === 'offensive') {
          team.foulsOffensive += 1;
          player(action.personId).foulsOffensive += 1;
        }
        break;
      case 'timeout':
        team.timeouts += 1;
        break;
      default:
        break;
    }
  }
  return { sides, leadChanges: margin.leadChanges, timesTied: margin.timesTied, players };
}

/** The running score as it moves: periods, leads, runs, ties, lead changes and time in front. */
class MarginTracker {
  leadChanges = 0;
  timesTied = 0;
  #score: [number, number] = [0, 0];
  /** The team in front last time someone was (-1 before anyone was). */
  #lastLeader = -1;
  #run = { sideIndex: -1, points: 0 };

  /** The team in front holds the lead for `seconds` more. */
  hold(sides: [TeamScoring, TeamScoring], seconds: number): void {
    const [home, away] = this.#score;
    if (home !== away) sides[home > away ? 0 : 1].secondsLeading += seconds;
  }

  score(sides: [TeamScoring, TeamScoring], sideIndex: 0 | 1, period: number, points: number): void {
    this.#score[sideIndex] += points;
    const team = sides[sideIndex];
    team.periods[period - 1] = (team.periods[period - 1] ?? 0) + points;
    const [home, away] = this.#score;
    const written = `${away}-${home}`;
    const lead = sideIndex === 0 ? home - away : away - home;
    if (lead > team.biggestLead) {
      team.biggestLead = lead;
      team.biggestLeadScore = written;
    }
    this.#run =
      this.#run.sideIndex === sideIndex
        ? { sideIndex, points: this.#run.points + points }
        : { sideIndex, points };
    if (this.#run.points > team.biggestScoringRun) {
      team.biggestScoringRun = this.#run.points;
      team.biggestScoringRunScore = written;
    }
    if (home === away) this.timesTied += 1;
    else {
      const leader = home > away ? 0 : 1;
      if (this.#lastLeader !== -1 && leader !== this.#lastLeader) this.leadChanges += 1;
      this.#lastLeader = leader;
    }
  }
}
