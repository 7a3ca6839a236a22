// Sign in as a hall manager; the token lives in sessionStorage (gone with the tab).
import { api, session, t } from "./core.js";

const form = document.getElementById("login-form");
const error = document.getElementById("login-error");

function nextPage() {
  const next = new URLSearchParams(location.search).get("next") || "";
  return next.startsWith("/console/") && !next.startsWith("/console/login") ? next : "/console/windows";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.textContent = "";
  const button = document.getElementById("login-submit");
  button.disabled = true;
  const data = new FormData(form);
  try {
    const result = await api("POST", "/auth/login", { username: data.get("username"), password: data.get("password") });
    if (result.role !== "manager") {
      session.set({ token: result.token });
      await api("POST", "/auth/logout", {}).catch(() => {});
      session.clear();
      error.textContent = t("login.not_manager");
      return;
    }
    session.set({ token: result.token, role: result.role, expires_at: result.expires_at,
                  username: data.get("username"), display_name: result.display_name });
    location.assign(nextPage());
  } catch (err) {
    error.textContent = err.message;
  } finally {
    button.disabled = false;
  }
});
