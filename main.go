// Command latchkey is the support desk's console and its command line.
package main

import (
	"os"

	"latchkey/cli"
)

func main() {
	os.Exit(cli.New(cli.StdIO()).Run(os.Args[1:]))
}
