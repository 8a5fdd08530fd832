package tfrun

import "testing"

func TestHasWriteOnly(t *testing.T) {
	for line, want := range map[string]bool{
		"Terraform v1.5.7": false, "Terraform v1.10.5": false, "Terraform v1.11.0": true, "Terraform v1.14.3": true,
		"OpenTofu v1.6.3": false, "OpenTofu v1.11.0-beta1": true, "OpenTofu v1.12.6": true, "": false, "Terraform vX": false,
	} {
		if got := HasWriteOnly(line); got != want {
			t.Errorf("HasWriteOnly(%q) = %v, want %v", line, got, want)
		}
	}
}

func TestHasActions(t *testing.T) {
	for line, want := range map[string]bool{
		"Terraform v1.11.4": false, "Terraform v1.14.0": true, "Terraform v1.14.3": true, "OpenTofu v1.12.6": false, "": false,
	} {
		if got := HasActions(line); got != want {
			t.Errorf("HasActions(%q) = %v, want %v", line, got, want)
		}
	}
}
