//! The few small text files the game keeps — a playthrough's log, the pointer to an unfinished one, the
//! settings — on disk, written so a crash never leaves half a file; in the web build, in the browser's
//! local storage under the same names, since a page has no folder.

use std::io;
use std::path::Path;

/// The text of a kept file.
pub fn read(path: &Path) -> io::Result<String> {
    #[cfg(target_arch = "wasm32")]
    return web::get(path)?
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "not kept in this browser"));
    #[cfg(not(target_arch = "wasm32"))]
    std::fs::read_to_string(path)
}

/// Keeps `text` as `path`, all or nothing: on disk a temporary file beside it, then renamed over it.
pub fn write(path: &Path, text: &str) -> io::Result<()> {
    #[cfg(target_arch = "wasm32")]
    return web::set(path, text);
    #[cfg(not(target_arch = "wasm32"))]
    {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!("{name}.tmp"));
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }
}

/// Removes a kept file; one that is not there is no error.
pub fn remove(path: &Path) -> io::Result<()> {
    #[cfg(target_arch = "wasm32")]
    return web::remove(path);
    #[cfg(not(target_arch = "wasm32"))]
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Whether a file is kept at `path`.
pub fn exists(path: &Path) -> bool {
    #[cfg(target_arch = "wasm32")]
    return matches!(web::get(path), Ok(Some(_)));
    #[cfg(not(target_arch = "wasm32"))]
    path.exists()
}

/// Offers `text` to the person as a file to download (the web build's way to save a copy).
#[cfg(target_arch = "wasm32")]
pub fn offer_download(name: &str, text: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let fail = |what: &str| format!("the browser would not {what}");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| fail("make the file"))?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("make the file"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail("give the page"))?;
    let link = document
        .create_element("a")
        .map_err(|_| fail("make a link"))?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| fail("make a link"))?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The desktop saves copies with `second-look export`.
#[cfg(not(target_arch = "wasm32"))]
pub fn offer_download(_name: &str, _text: &str) -> Result<(), String> {
    Err("on the desktop, save a copy with `second-look export --out FILE.json`".into())
}

#[cfg(target_arch = "wasm32")]
mod web {
    use std::io;
    use std::path::Path;

    fn storage() -> io::Result<web_sys::Storage> {
        web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .ok_or_else(|| io::Error::other("this browser keeps no storage for this page"))
    }

    fn key(path: &Path) -> String {
        format!("second-look-file:{}", path.display())
    }

    pub fn get(path: &Path) -> io::Result<Option<String>> {
        storage()?
            .get_item(&key(path))
            .map_err(|_| io::Error::other("the browser's storage refused to read"))
    }

    pub fn set(path: &Path, text: &str) -> io::Result<()> {
        storage()?
            .set_item(&key(path), text)
            .map_err(|_| io::Error::other("the browser's storage is full or refused"))
    }

    pub fn remove(path: &Path) -> io::Result<()> {
        storage()?
            .remove_item(&key(path))
            .map_err(|_| io::Error::other("the browser's storage refused to remove"))
    }
}
