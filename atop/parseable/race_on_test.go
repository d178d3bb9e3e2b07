//go:build race

package parseable

// raceOn: the race detector is on, and the judges check less (each label
// alone costs minutes under it).
const raceOn = true
