package kpsfake

import (
	"net/http"
)

// AddRegionProject makes IAM's project look-up (GET /v3/projects?name=region)
// answer with projectID among the projects named region. Adding the same
// region twice gives it two projects, which the provider must refuse to guess
// between.
func (s *Server) AddRegionProject(region, projectID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.regions[region] = append(s.regions[region], projectID)
	s.projects[projectID] = true
}

// ProjectLookups counts the requests that reached IAM's project look-up.
func (s *Server) ProjectLookups() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.projectLookups
}

// serveProjects answers GET /v3/projects?name=region as IAM does.
func (s *Server) serveProjects(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	s.mu.Lock()
	s.projectLookups++
	ids := append([]string(nil), s.regions[name]...)
	s.mu.Unlock()
	type project struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		DomainID string `json:"domain_id"`
		Enabled  bool   `json:"enabled"`
	}
	projects := make([]project, 0, len(ids))
	for _, id := range ids {
		projects = append(projects, project{ID: id, Name: name, DomainID: "fake-domain", Enabled: true})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"projects": projects,
		"links":    map[string]any{"self": "https://iam.example/v3/projects"},
	})
}
