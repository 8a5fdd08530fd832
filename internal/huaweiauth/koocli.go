package huaweiauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultSharedConfigFile is where KooCLI (hcloud) keeps its profiles,
// relative to the user's home directory.
const DefaultSharedConfigFile = ".hcloud/config.json"

// maxConfigFileBytes bounds how much of a profile file is read: KooCLI's
// files are a few kilobytes, and a file much larger is not one of them.
const maxConfigFileBytes = 4 << 20

// Profile is what the provider takes from one KooCLI profile.
type Profile struct {
	Credentials       Credentials
	Region, ProjectID string
}

// kooCLIFile is the part of KooCLI's config.json the provider reads.
type kooCLIFile struct {
	Current  string          `json:"current"`
	Profiles []kooCLIProfile `json:"profiles"`
}

type kooCLIProfile struct {
	Name string `json:"name"`
	Mode string `json:"mode"`
	kooCLIKeys
	Region    string `json:"region"`
	ProjectID string `json:"projectId"`
	SSOAuth   struct {
		STSToken kooCLIKeys `json:"stsToken"`
	} `json:"ssoAuth"`
}

type kooCLIKeys struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	SecurityToken   string `json:"securityToken"`
}

// LoadProfile reads profile name (the file's current one when name is empty)
// from file (~/.hcloud/config.json when empty).
func LoadProfile(file, name, home string) (*Profile, *Error) {
	if file == "" {
		if home == "" {
			return nil, profileError("shared_config_file", "Cannot find the KooCLI configuration",
				"No home directory is known to find "+DefaultSharedConfigFile+" in: set shared_config_file ("+EnvSharedConfigFile+").")
		}
		file = filepath.Join(home, DefaultSharedConfigFile)
	}
	data, err := readSmallFile(file)
	if err != nil {
		detail := fmt.Sprintf("Cannot read %s: %v.", file, err)
		if errors.Is(err, fs.ErrNotExist) {
			detail = fmt.Sprintf("%s does not exist. Set shared_config_file (%s) to the KooCLI configuration file, "+
				"or create it with `hcloud configure init`.", file, EnvSharedConfigFile)
		}
		return nil, profileError("shared_config_file", "Cannot read the KooCLI configuration", detail)
	}
	var cfg kooCLIFile
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, profileError("shared_config_file", "Cannot read the KooCLI configuration",
			fmt.Sprintf("%s is not a KooCLI configuration (JSON): %v.", file, err))
	}
	if name == "" {
		name = cfg.Current
	}
	if name == "" {
		return nil, profileError("profile", "No KooCLI profile chosen",
			fmt.Sprintf("%s names no current profile: set profile (%s) to one of: %s.", file, EnvProfile, cfg.names()))
	}
	for _, p := range cfg.Profiles {
		if p.Name == name {
			return p.resolve(file)
		}
	}
	return nil, profileError("profile", "Unknown KooCLI profile",
		fmt.Sprintf("%s has no profile %q; it has: %s.", file, name, cfg.names()))
}

func (p kooCLIProfile) resolve(file string) (*Profile, *Error) {
	source := fmt.Sprintf("profile %q of %s", p.Name, file)
	var keys kooCLIKeys
	switch strings.ToUpper(p.Mode) {
	case "AKSK":
		keys = p.kooCLIKeys
	case "SSO":
		keys = p.SSOAuth.STSToken
	default:
		return nil, profileError("profile", "Unsupported KooCLI profile",
			fmt.Sprintf("The %s has mode %q; the provider reads profiles of mode AKSK or SSO.", source, p.Mode))
	}
	if keys.AccessKeyID == "" || keys.SecretAccessKey == "" {
		return nil, profileError("profile", "KooCLI profile without keys",
			fmt.Sprintf("The %s (mode %s) holds no access key and secret key. Sign in again with KooCLI, or choose another profile.",
				source, p.Mode))
	}
	return &Profile{
		Credentials: Credentials{
			Method: MethodAccessKey, AccessKey: keys.AccessKeyID, SecretKey: keys.SecretAccessKey,
			SecurityToken: keys.SecurityToken, Source: source, FromProfile: true,
		},
		Region: p.Region, ProjectID: p.ProjectID,
	}, nil
}

func (c kooCLIFile) names() string {
	if len(c.Profiles) == 0 {
		return "no profiles at all"
	}
	names := make([]string, len(c.Profiles))
	for i, p := range c.Profiles {
		names[i] = fmt.Sprintf("%q", p.Name)
	}
	return strings.Join(names, ", ")
}

// readSmallFile reads a file that must be small, saying so plainly when it
// is a directory or too large rather than reading it whole.
func readSmallFile(name string) ([]byte, error) {
	info, err := os.Stat(name)
	switch {
	case err != nil:
		return nil, err
	case info.IsDir():
		return nil, errors.New("it is a directory")
	case info.Size() > maxConfigFileBytes:
		return nil, fmt.Errorf("it is larger than %d MiB", maxConfigFileBytes>>20)
	}
	return os.ReadFile(name) //nolint:gosec // the user names the file to read
}

func profileError(attr, summary, detail string) *Error {
	return &Error{Attribute: attr, Summary: summary, Detail: detail}
}
