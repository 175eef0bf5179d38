package transformers

import "github.com/lbguard/lbguard/transformers/config"

// configDefaultsWith is the default config with change applied.
func configDefaultsWith(change func(*config.Config)) config.Config {
	c := config.DefaultConfig()
	if change != nil {
		change(&c)
	}
	return c
}
