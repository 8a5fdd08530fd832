package huaweiauth

import (
	"cmp"
	"fmt"
	"strings"
)

// The environment variables are the ones Huawei Cloud's own provider reads.
const (
	EnvToken            = "HW_AUTH_TOKEN"         //nolint:gosec // a variable name, not a credential
	EnvAccessKey        = "HW_ACCESS_KEY"         //nolint:gosec // a variable name, not a credential
	EnvSecretKey        = "HW_SECRET_KEY"         //nolint:gosec // a variable name, not a credential
	EnvSecurityToken    = "HW_SECURITY_TOKEN"     //nolint:gosec // a variable name, not a credential
	EnvSharedConfigFile = "HW_SHARED_CONFIG_FILE" //nolint:gosec // a variable name, not a credential
	EnvProfile          = "HW_PROFILE"
)

// Settings are the credential settings of one source: the provider block, or
// the environment. An empty string is a setting left unset.
type Settings struct {
	Token, AccessKey, SecretKey, SecurityToken string
	SharedConfigFile, Profile                  string
}

func (s Settings) hasKey() bool {
	return s.AccessKey != "" || s.SecretKey != "" || s.SecurityToken != ""
}

// EnvSettings reads Settings from the environment through getenv.
func EnvSettings(getenv func(string) string) Settings {
	return Settings{
		Token: getenv(EnvToken), AccessKey: getenv(EnvAccessKey), SecretKey: getenv(EnvSecretKey),
		SecurityToken: getenv(EnvSecurityToken), SharedConfigFile: getenv(EnvSharedConfigFile), Profile: getenv(EnvProfile),
	}
}

// Resolved is the outcome of Resolve.
type Resolved struct {
	Credentials Credentials
	// Region and ProjectID come from the profile, when one was read; they fill
	// in what the provider block and the environment leave unset.
	Region, ProjectID string
	// Warnings are things the user should know that do not stop the provider.
	Warnings []string
}

// Error is a setting that is missing, conflicting or unreadable. Attribute is
// the provider attribute to point at.
type Error struct {
	Attribute string
	Summary   string
	Detail    string
}

func (e *Error) Error() string { return e.Summary + ": " + e.Detail }

// Resolve works out the credentials, in the contract's order: the provider
// block, then the environment, then a KooCLI profile (read only when profile
// or shared_config_file is set). Each source is taken whole, by method: when
// the block names a method, the environment's variables of the other method
// are ignored. Within the method chosen, each value is the block's, else the
// environment's, as for every other provider attribute. home is the user's
// home directory, for the profile file's default path.
func Resolve(block Settings, getenv func(string) string, home string) (Resolved, []*Error) {
	env := EnvSettings(getenv)
	var res Resolved
	var errs []*Error

	// A profile is read whenever one is asked for, even if the keys come from
	// elsewhere: its region and project still fill in what is unset.
	var prof *Profile
	if file, name := cmp.Or(block.SharedConfigFile, env.SharedConfigFile), cmp.Or(block.Profile, env.Profile); file != "" || name != "" {
		p, err := LoadProfile(file, name, home)
		if err != nil {
			errs = append(errs, err)
		} else {
			prof = p
			res.Region, res.ProjectID = p.Region, p.ProjectID
		}
	}

	switch {
	case block.Token != "" && block.hasKey():
		return res, []*Error{{
			Attribute: "token",
			Summary:   "Conflicting KPS credentials",
			Detail: "The provider block sets both token and " + strings.Join(keyNamesSet(block, keyAttributes), " and ") +
				". Use one way to authenticate: remove token, or remove the access key settings.",
		}}
	case block.Token != "":
		res.Credentials = Credentials{Method: MethodToken, Token: block.Token, Source: "the provider block"}
	case block.hasKey():
		res.Credentials, errs = accessKey(block, env, "the provider block"), append(errs, halfPair(block, env)...)
	case env.Token != "":
		res.Credentials = Credentials{Method: MethodToken, Token: env.Token, Source: "the environment"}
		if ignored := keyNamesSet(env, keyVariables); len(ignored) > 0 {
			names := strings.Join(ignored, ", ")
			res.Warnings = append(res.Warnings, fmt.Sprintf("Both %s and %s are set in the environment: the token "+
				"is used and %s %s ignored, as Huawei Cloud's own tools do. Unset the variables you do not mean.",
				EnvToken, names, names, isOrAre(len(ignored))))
		}
	case env.hasKey():
		res.Credentials, errs = accessKey(Settings{}, env, "the environment"), append(errs, halfPair(Settings{}, env)...)
	case prof != nil:
		res.Credentials = prof.Credentials
	case len(errs) == 0:
		errs = append(errs, &Error{
			Attribute: "token",
			Summary:   "Missing KPS credentials",
			Detail: "Set one of: token (" + EnvToken + ") to an IAM user token; access_key and secret_key (" +
				EnvAccessKey + ", " + EnvSecretKey + "), with security_token (" + EnvSecurityToken + ") for temporary keys; " +
				"or profile (" + EnvProfile + ") to a KooCLI profile.",
		})
	}
	return res, errs
}

// accessKey takes each value of the key pair from the block, else the environment.
func accessKey(block, env Settings, source string) Credentials {
	return Credentials{
		Method: MethodAccessKey, Source: source,
		AccessKey:     cmp.Or(block.AccessKey, env.AccessKey),
		SecretKey:     cmp.Or(block.SecretKey, env.SecretKey),
		SecurityToken: cmp.Or(block.SecurityToken, env.SecurityToken),
	}
}

// halfPair reports each half of a key pair that is missing.
func halfPair(block, env Settings) []*Error {
	var errs []*Error
	missing := func(attr, envName, other string) *Error {
		return &Error{
			Attribute: attr,
			Summary:   "Incomplete KPS access key",
			Detail: fmt.Sprintf("%s is set but %s is not: set %s in the provider block or the %s environment variable. "+
				"No request was sent.", other, attr, attr, envName),
		}
	}
	ak, sk := cmp.Or(block.AccessKey, env.AccessKey), cmp.Or(block.SecretKey, env.SecretKey)
	given := "security_token"
	switch {
	case ak != "":
		given = "access_key"
	case sk != "":
		given = "secret_key"
	}
	if ak == "" {
		errs = append(errs, missing("access_key", EnvAccessKey, given))
	}
	if sk == "" {
		errs = append(errs, missing("secret_key", EnvSecretKey, given))
	}
	return errs
}

var (
	keyAttributes = [3]string{"access_key", "secret_key", "security_token"}
	keyVariables  = [3]string{EnvAccessKey, EnvSecretKey, EnvSecurityToken}
)

// keyNamesSet names, from names, the settings of the key pair that s sets.
func keyNamesSet(s Settings, names [3]string) []string {
	var set []string
	for i, v := range []string{s.AccessKey, s.SecretKey, s.SecurityToken} {
		if v != "" {
			set = append(set, names[i])
		}
	}
	return set
}

func isOrAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
