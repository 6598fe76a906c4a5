/* ccgw resource-js: a REST client for the Huawei CC-Gateway agent API as served by ccgw,
 * with the programming interface of the gateway-generated client (spec 08 C21).
 *
 * - REST.apiURL: where the interfaces are; by default the /agentgateway/resource/ next
 *   to this script.
 * - One object per group (OnlineAgent, VoiceCall, ...), one function per interface. A
 *   function takes one object: the path and query parameters by name, $entity for the
 *   JSON body, and $callback(status, request, entity) to run asynchronously; without
 *   $callback the call is synchronous and returns the entity.
 * - The Guid of any 2xx answer's Set-GUID (after JSESSIONID=) is kept in the global
 *   cookiestring and sent as the Guid header from then on.
 * - An answer whose Content-Type names application/json (or that has a JSON-Type header)
 *   is parsed; any other is handed over as text.
 */
(function (global) {
  'use strict';

  var REST = global.REST || (global.REST = {});
  var script = global.document && global.document.currentScript;
  if (!REST.apiURL) {
    REST.apiURL = script && script.src ? new URL('resource/', script.src).href : '/agentgateway/resource/';
  }
  if (typeof global.cookiestring === 'undefined') {
    global.cookiestring = null;
  }

  /* A path parameter must be given: an empty one, or `.`/`..`, would name another
   * interface once the URL is normalised. */
  function pathOf(template, params) {
    return template.replace(/\{(\w+)\}/g, function (_, name) {
      var value = params[name] === undefined || params[name] === null ? '' : String(params[name]);
      if (value === '' || value === '.' || value === '..') {
        throw new Error('REST: path parameter ' + name + ' is missing or invalid');
      }
      return encodeURIComponent(value);
    });
  }

  function queryOf(names, params) {
    var parts = [];
    names.forEach(function (name) {
      var value = params[name];
      if (value !== undefined && value !== null) {
        parts.push(encodeURIComponent(name) + '=' + encodeURIComponent(String(value)));
      }
    });
    return parts.length ? '?' + parts.join('&') : '';
  }

  function entityOf(request) {
    var guid = request.getResponseHeader('Set-GUID');
    if (guid && request.status >= 200 && request.status < 300) {
      global.cookiestring = guid.replace(/^\s*JSESSIONID=/, '');
    }
    var type = request.getResponseHeader('Content-Type') || '';
    var text = request.responseText;
    if (type.indexOf('application/json') >= 0 || request.getResponseHeader('JSON-Type')) {
      try {
        return JSON.parse(text);
      } catch (e) {
        return text;
      }
    }
    return text;
  }

  /* One interface call: method, path template, query parameter names, whether a JSON
   * entity goes with it, and the caller's parameter object. */
  REST.call = function (method, template, queryNames, sendsEntity, params) {
    params = params || {};
    var base = String(REST.apiURL).replace(/\/+$/, '');
    var url = base + pathOf(template, params) + queryOf(queryNames, params);
    var callback = typeof params.$callback === 'function' ? params.$callback : null;
    var request = new XMLHttpRequest();
    request.open(method, url, callback !== null);
    if (global.cookiestring) {
      request.setRequestHeader('Guid', global.cookiestring);
    }
    var body = null;
    if (sendsEntity && params.$entity !== undefined) {
      request.setRequestHeader('Content-Type', 'application/json; charset=UTF-8');
      body = typeof params.$entity === 'string' ? params.$entity : JSON.stringify(params.$entity);
    }
    if (callback === null) {
      request.send(body);
      return entityOf(request);
    }
    request.onreadystatechange = function () {
      if (request.readyState === 4) {
        callback(request.status, request, entityOf(request));
      }
    };
    request.send(body);
    return undefined;
  };

  function define(group, name, method, template, queryNames, sendsEntity) {
    var object = global[group] || (global[group] = {});
    object[name] = function (params) {
      return REST.call(method, template, queryNames, sendsEntity, params);
    };
  }

  /*FUNCTIONS*/
})(typeof window !== 'undefined' ? window : this);
