package main

// Each verb's --help ends with a few real examples (see helpPrinter).

func (c *DumpCmd) Examples() string {
	return `Examples:

  cstruct dump -e 'struct msg { uint8 type; char name[8]; uint16 len; uint8 payload[len]; };' -t msg msg.bin
  cstruct dump -f defs/atop/2.13/atop.h -t rawrecord -o 480 --json /var/log/atop/atop_20261125
  cstruct dump -f proto.h -t 'struct header' -n 10 --json capture.bin | jq .len`
}

func (c *LayoutCmd) Examples() string {
	return `Examples:

  cstruct layout --natural -e 'struct s { char c; long l; short x:3; };'
  cstruct layout -f defs/atop/2.13/atop.h -f defs/atop/2.13/photoproc.h -t tstat --json
  cstruct layout -f /usr/include/elf.h -t Elf64_Ehdr`
}

func (c *AtopInfoCmd) Examples() string {
	return `Examples:

  cstruct atop info /var/log/atop/atop_20261125
  cstruct atop info --quick --json /var/log/atop/ | jq -r '[.file, .version, .host] | @tsv'
  cstruct atop info /var/log/atop/atop_2026112*`
}

func (c *AtopJSONCmd) Examples() string {
	return `Examples:

  cstruct atop json --tasks /var/log/atop/atop_20261125 | jq 'select(.gen.state == "E")'
  cstruct atop json --system -b 2113 -e 2114 /var/log/atop/atop_20261125 > samples.jsonl
  duckdb -c "SELECT gen.name, sum(cpu.utime + cpu.stime) / any_value(hertz) AS cpu_s FROM read_json('tasks.jsonl') GROUP BY 1 ORDER BY 2 DESC LIMIT 10"`
}

func (c *AtopTimelineCmd) Examples() string {
	return `Examples:

  cstruct atop timeline /var/log/atop/atop_20261125 > timeline.jsonl
  cstruct atop timeline --format csv -b 202611252113 /var/log/atop/ > timeline.csv
  cstruct atop timeline /var/log/atop/atop_2026112* | jq -r 'select(.signal != null) | .message'`
}

func (c *AtopParseableCmd) Examples() string {
	return `Examples:

  cstruct atop -P CPU,MEM -r /var/log/atop/atop_20261125
  cstruct atop parseable -P PRG -b 2113 -e 2114 /var/log/atop/atop_20261125
  cstruct atop parseable -P ALL -Z /var/log/atop/atop_20261125.gz | grep '^DSK'`
}

func (c *AtopDefsCmd) Examples() string {
	return `Examples:

  cstruct atop defs
  cstruct atop defs --export ./mydefs && cstruct atop info --defs ./mydefs /var/log/atop/atop_20261125`
}
