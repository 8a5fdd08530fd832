package provider

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

func osGetenv(name string) string { return os.Getenv(name) }

type providerModel struct {
	Region           types.String `tfsdk:"region"`
	ProjectID        types.String `tfsdk:"project_id"`
	Token            types.String `tfsdk:"token"`
	AccessKey        types.String `tfsdk:"access_key"`
	SecretKey        types.String `tfsdk:"secret_key"`
	SecurityToken    types.String `tfsdk:"security_token"`
	SharedConfigFile types.String `tfsdk:"shared_config_file"`
	Profile          types.String `tfsdk:"profile"`
	AuthURL          types.String `tfsdk:"auth_url"`
	Endpoint         types.String `tfsdk:"endpoint"`
	Cloud            types.String `tfsdk:"cloud"`
	Insecure         types.Bool   `tfsdk:"insecure"`
	MaxRetries       types.Int64  `tfsdk:"max_retries"`
}

// unknownAttributes names the attributes whose values come from something not
// yet created, sorted for a stable message.
func (m providerModel) unknownAttributes() []string {
	values := map[string]attr.Value{
		"region": m.Region, "project_id": m.ProjectID, "token": m.Token, "access_key": m.AccessKey,
		"secret_key": m.SecretKey, "security_token": m.SecurityToken, "shared_config_file": m.SharedConfigFile,
		"profile": m.Profile, "auth_url": m.AuthURL, "endpoint": m.Endpoint,
		"cloud": m.Cloud, "insecure": m.Insecure, "max_retries": m.MaxRetries,
	}
	var unknown []string
	for name, v := range values {
		if v.IsUnknown() {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	return unknown
}

func (p *kpsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// A value that comes from a resource not yet created is no error: Terraform
	// configures the provider again, with every value known, before it applies
	// resources. Until then, reads say which value they are waiting for.
	if unknown := m.unknownAttributes(); len(unknown) > 0 {
		data := &providerData{unknown: unknown}
		resp.DataSourceData, resp.ResourceData, resp.ActionData, resp.EphemeralResourceData, resp.ListResourceData = data, data, data, data, data
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
		}
		return
	}

	cfg, diags := p.resolve(m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	memory, remembered := recallLimits(ctx, cfg.endpoint.String(), cfg.projectID)
	client, err := kps.New(kps.Config{
		Remembered:   remembered,
		Memory:       memory,
		Endpoint:     cfg.endpoint,
		Auth:         &cfg.credentials,
		Insecure:     cfg.insecure,
		MaxRetries:   cfg.maxRetries,
		RetryWaitMin: p.retryWait,
		RetryWaitMax: p.retryWait,
		UserAgent:    fmt.Sprintf("terraform-provider-kps/%s (+https://registry.terraform.io/providers/kpsops/kps) Terraform/%s", p.version, req.TerraformVersion),
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the KPS provider", err.Error())
		return
	}
	// Configure's context carries the provider's loggers; detached from
	// this call, it outlives it as the context of work shared by many calls.
	lifetime := context.WithoutCancel(ctx)
	data := &providerData{lifetime: lifetime, client: client, projectID: cfg.projectID, serverLocks: &keypairops.ServerLocks{}}
	if cfg.projectID == "" && cfg.authURL != nil {
		data.projectFinder = huaweiauth.NewProjectFinder(lifetime, cfg.authURL, cfg.region, client.GetJSON)
	}
	resp.DataSourceData, resp.ResourceData, resp.ActionData, resp.EphemeralResourceData, resp.ListResourceData = data, data, data, data, data
}

// resolvedConfig is the provider configuration with environment variables and
// defaults applied.
type resolvedConfig struct {
	endpoint    *url.URL
	region      string
	projectID   string
	credentials huaweiauth.Credentials
	// authURL is IAM's endpoint, set only when the project must be found
	// from the region.
	authURL    *url.URL
	insecure   bool
	maxRetries int
}

// resolve applies the rule that a value in the configuration wins over its
// environment variable, then the defaults, and reports every missing or bad
// value at once, each naming both the attribute and its variable.
func (p *kpsProvider) resolve(m providerModel) (resolvedConfig, diag.Diagnostics) {
	var diags diag.Diagnostics
	var cfg resolvedConfig

	creds, credErrs := huaweiauth.Resolve(m.credentialSettings(), p.getenv, p.homeDir())
	for _, e := range credErrs {
		diags.AddAttributeError(path.Root(e.Attribute), e.Summary, e.Detail)
	}
	for _, w := range creds.Warnings {
		diags.AddWarning("KPS credentials: environment variables ignored", w)
	}
	cfg.credentials = creds.Credentials

	// The profile fills in what the block and the environment leave unset.
	region := cmp.Or(p.stringSetting(m.Region, envRegion), creds.Region)
	cfg.region = region
	cfg.projectID = cmp.Or(p.stringSetting(m.ProjectID, envProjectID), creds.ProjectID)
	rawEndpoint := p.stringSetting(m.Endpoint, envEndpoint)
	cloud := p.stringSetting(m.Cloud, envCloud)

	if cfg.projectID != "" && m.ProjectID.IsNull() {
		// A project ID from the environment or a profile has not been through the schema's validator.
		if err := kps.CheckID(envProjectID, cfg.projectID); err != nil {
			diags.AddAttributeError(path.Root("project_id"), "Invalid KPS project ID", err.Error())
		}
	}
	if cfg.projectID == "" && region != "" {
		cfg.authURL = p.resolveAuthURL(m, region, cloud, &diags)
	}

	switch {
	case rawEndpoint != "":
		endpoint, err := kps.ParseEndpoint(rawEndpoint)
		if err != nil {
			diags.AddAttributeError(path.Root("endpoint"), "Invalid KPS endpoint",
				"endpoint (or "+envEndpoint+"): "+err.Error()+", e.g. https://kms.cn-north-4.myhuaweicloud.com.")
		}
		cfg.endpoint = endpoint
	case region == "":
		diags.AddAttributeError(path.Root("region"), "Missing KPS region",
			"Set region in the provider configuration or the "+envRegion+" environment variable (e.g. cn-north-4), "+
				"or set endpoint ("+envEndpoint+") to the API's base URL.")
	default:
		endpoint, err := kps.ParseEndpoint(kps.DefaultEndpoint(region, cloud))
		if err != nil {
			diags.AddAttributeError(path.Root("region"), "Invalid KPS region",
				"The region and cloud do not make a valid endpoint: "+err.Error())
		}
		cfg.endpoint = endpoint
	}

	cfg.insecure = m.Insecure.ValueBool()
	if m.Insecure.IsNull() {
		if raw := p.getenv(envInsecure); raw != "" {
			v, err := strconv.ParseBool(raw)
			if err != nil {
				diags.AddAttributeError(path.Root("insecure"), "Invalid "+envInsecure,
					fmt.Sprintf("%s is %q; it must be true or false.", envInsecure, raw))
			}
			cfg.insecure = v
		}
	}

	cfg.maxRetries = defaultMaxRetries
	if !m.MaxRetries.IsNull() {
		cfg.maxRetries = int(m.MaxRetries.ValueInt64())
	} else if raw := p.getenv(envMaxRetries); raw != "" {
		v, err := strconv.Atoi(raw)
		if err != nil || v < 0 || v > maxMaxRetries {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid "+envMaxRetries,
				fmt.Sprintf("%s is %q; it must be a whole number from 0 to %d.", envMaxRetries, raw, maxMaxRetries))
		}
		cfg.maxRetries = v
	}
	return cfg, diags
}

// resolveAuthURL is IAM's endpoint: auth_url, HW_AUTH_URL, or the region's.
func (p *kpsProvider) resolveAuthURL(m providerModel, region, cloud string, diags *diag.Diagnostics) *url.URL {
	raw := p.stringSetting(m.AuthURL, envAuthURL)
	if raw == "" {
		if cloud == "" {
			cloud = kps.CloudForRegion(region)
		}
		raw = huaweiauth.DefaultAuthURL(region, cloud)
	}
	u, err := kps.ParseEndpoint(raw)
	if err != nil {
		diags.AddAttributeError(path.Root("auth_url"), "Invalid IAM endpoint",
			"auth_url (or "+envAuthURL+"): "+err.Error()+", e.g. https://iam.cn-north-4.myhuaweicloud.com/v3.")
	}
	return u
}

// credentialSettings are the credential attributes set in the provider block.
func (m providerModel) credentialSettings() huaweiauth.Settings {
	return huaweiauth.Settings{
		Token: m.Token.ValueString(), AccessKey: m.AccessKey.ValueString(), SecretKey: m.SecretKey.ValueString(),
		SecurityToken: m.SecurityToken.ValueString(), SharedConfigFile: m.SharedConfigFile.ValueString(),
		Profile: m.Profile.ValueString(),
	}
}

// homeDir is the user's home directory, where KooCLI keeps its configuration.
// It is read through getenv, as os.UserHomeDir does, so that tests can set it.
func (p *kpsProvider) homeDir() string {
	if runtime.GOOS == "windows" {
		return p.getenv("USERPROFILE")
	}
	return p.getenv("HOME")
}

// stringSetting is the configured value, or else the environment variable's.
func (p *kpsProvider) stringSetting(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return p.getenv(env)
}
