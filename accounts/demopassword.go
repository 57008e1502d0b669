package accounts

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// demoWords make seeded passwords easy to read aloud in a demo.
var demoWords = [...]string{
	"amber", "anchor", "apple", "arrow", "aspen", "autumn", "badger", "bamboo", "basil", "beacon",
	"birch", "bison", "bramble", "breeze", "brook", "cactus", "canyon", "cedar", "cherry", "cinder",
	"clover", "cobalt", "comet", "copper", "coral", "cricket", "crystal", "cypress", "dahlia", "delta",
	"dune", "eagle", "ember", "falcon", "fern", "fjord", "flint", "forest", "fossil", "garnet",
	"ginger", "glacier", "granite", "harbor", "hazel", "heron", "hollow", "indigo", "iris", "ivory",
	"jasper", "juniper", "kelp", "kestrel", "lagoon", "lantern", "lark", "laurel", "lemon", "lilac",
	"linden", "lotus", "magnet", "maple", "marble", "meadow", "meteor", "mint", "willow", "nectar",
	"nimbus", "nutmeg", "oasis", "ocean", "olive", "onyx", "orchid", "osprey", "otter", "pebble",
	"pepper", "pine", "planet", "plum", "poppy", "prairie", "quartz", "quill", "raven", "reef",
	"ripple", "river", "robin", "saffron", "sage", "salmon", "sequoia", "shadow", "sierra", "silver",
	"sparrow", "spruce", "summit", "sunset", "tango", "thistle", "thunder", "tide", "timber", "topaz",
	"tulip", "tundra", "valley", "velvet", "violet", "walnut", "wander", "wren", "yarrow", "zephyr",
	"acorn", "alpine", "atlas", "aurora", "blossom", "cascade", "harvest", "orbit",
}

// derivePassword is the demo password of a seeded user: three words and two
// digits from an HMAC of the user's id under the database's demo secret. It is
// computed on demand and never stored.
func derivePassword(secret []byte, userID uint64) string {
	mac := hmac.New(sha256.New, secret)
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], userID)
	mac.Write([]byte("latchkey demo password\x00"))
	mac.Write(id[:])
	sum := mac.Sum(nil)
	n := len(demoWords)
	return fmt.Sprintf("%s-%s-%s-%02d",
		demoWords[int(sum[0])%n], demoWords[int(sum[1])%n], demoWords[int(sum[2])%n], int(sum[3])%100)
}
